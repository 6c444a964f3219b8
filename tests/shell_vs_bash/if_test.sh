# if / elif / else and [ ] / test
touch afile; mkdir -p adir
for v in 1 5 10; do
  if [ $v -lt 5 ]; then echo "$v small"; elif [ $v -eq 5 ]; then echo "$v five"; else echo "$v big"; fi
done
if [ -f afile ]; then echo "afile is a file"; fi
if [ -d adir ]; then echo "adir is a dir"; fi
if [ -e nope ]; then echo yes; else echo "nope missing"; fi
if [ ! -e nope ]; then echo "negated"; fi
[ -z "" ] && echo "empty -z"
[ -n "x" ] && echo "non-empty -n"
[ -s afile ] || echo "afile is empty"
test abc = abc && echo "test ="
test abc != abd && echo "test !="
[ 3 -ge 3 -a 2 -le 1 ]; echo "and: $?"
[ 3 -ge 3 -o 2 -le 1 ]; echo "or: $?"
[ "a" \< "b" ]; echo "lt: $?"
[ x ]; echo "one arg: $?"
[ "" ]; echo "empty arg: $?"
[ ]; echo "no arg: $?"
test; echo "test no arg: $?"
[ ! ]; echo "bang: $?"
[ -z ]; echo "-z alone: $?"
[ \( 1 -eq 1 \) -a ! 1 -eq 2 ]; echo "parens: $?"
[ " 7 " -eq 7 ]; echo "spaces: $?"
[ a -lt 3 ]; echo "bad int: $?"
[ 1 -eq 2x ]; echo "bad int 2: $?"
[ a b ]; echo "unary expected: $?"
[ a b c ]; echo "binary expected: $?"
[ x; echo "missing bracket: $?"
[ a -a b -o c d ]; echo "too many: $?"
if false; then echo no; fi; echo "if false status: $?"
if ! grep -q zzz afile; then echo "no zzz"; fi
! true; echo "bang true: $?"
{ echo group1; echo group2; } > grouped.txt; cat grouped.txt
