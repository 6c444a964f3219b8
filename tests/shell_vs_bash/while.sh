# while / until, read from a file and from a pipe
printf 'first line\n  indented  \nk v rest of it\nlast-no-newline' > lines.txt
while read line; do echo "[$line]"; done < lines.txt
while read -r a b; do echo "a=$a b=$b"; done < lines.txt
while read REPLY_ONLY; do :; done < lines.txt; echo "end status $? last=$REPLY_ONLY"
cat lines.txt | while read x; do echo "piped: $x"; done
seq 3 | while read n; do echo "n=$n"; count=$n; done
echo "count after pipe: [$count]"
n=0
while [ $n != 0000 ]; do n="${n}0"; echo "n is $n"; done
i=x
until [ "$i" = xxxx ]; do i="${i}x"; echo "$i"; done
while false; do echo never; done; echo "while false: $?"
until true; do echo never; done
printf 'a\nb\nc\n' | while read l; do if [ "$l" = b ]; then continue; fi; echo "got $l"; done
while true; do echo once; break; done
n2=second
while read a b; do echo "h:$a:$b"; done <<EOF
one 1
two $n2
EOF
n=1
while read word; do echo "$n $word"; n=x$n; done <<'END'
$HOME stays
END
i=0
while [ $i -lt 5 ]; do echo "i=$i sq=$((i * i))"; i=$((i + 1)); done
echo "$((7 / 2)) $((-7 % 3)) $((2 ** 10)) $((010 + 0x10)) $(( (3 + 4) * 2 )) $((i > 3 ? 100 : 200))"
n=3; until [ $n -eq 0 ]; do printf '%d..' $n; n=$((n - 1)); done; echo liftoff
echo $(( $(seq 5 | wc -l) * 2 ))
x=$(echo $((1+))); echo "after a failed \$(...): $? [$x]"
# Last: in a script bash stops here; at a terminal it drops the rest of the line. Both: status 1.
echo $((1/0)); echo "status $?"
