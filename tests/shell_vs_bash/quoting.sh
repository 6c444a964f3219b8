# quoting, substitutions and redirects around compound commands
for w in "a b" 'c  d' e\ f; do echo "[$w]"; done
for i in 1 2; do echo "$(echo "inner $i" | tr a-z A-Z)"; done
for i in 1 2; do echo `echo back$i`; done
x=$(for i in 1 2 3; do echo -n $i; done); echo "x=$x"
for i in 1 2 3; do echo $i; done > out.txt; cat out.txt
for i in 1 2; do echo "err $i" >&2; done 2>/dev/null; echo "after"
while read a; do echo "r:$a"; done < out.txt | sort -r
if true; then echo yes; fi | tr y Y
{ echo one; echo two; } | wc -l
for i in 1 2 3; do echo $i; done | grep -n 2
# a comment line
for i in 1 2; do # a comment after do
  echo "c$i" # trailing comment
done
if [ -f out.txt ] && grep -q 2 out.txt; then echo "both"; fi
[ -f nope ] || { echo "no file"; }
for i in $(seq 3); do [ $i -eq 2 ] && echo "two" || echo "not two"; done
printf 'l1\nl2\n' | { read first; read second; echo "$second $first"; }
printf 'a\\b c\\\nd\n' > bs.txt
read v < bs.txt; echo "[$v]"
read -r v < bs.txt; echo "[$v]"
echo "a:b:c" | { IFS=: read p q r; echo "$p $q $r"; }
echo $(echo $(echo two levels))
echo "$(printf 'multi\nline')"
echo $(printf 'multi\nline')
A=$(printf 'x  y'); echo "$A"
v=""; for i in {1..4}; do v="$v$i"; done; echo "$v"
for i in 1; do echo in; done; echo "status $?"
