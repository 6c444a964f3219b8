# grep -A/-B/-C with -n, separators, several files
printf 'a\nx\nb\nc\nd\nx\ne\nf\ng\nh\nx\n' > g1
printf 'x\n1\n' > g2
grep -n -A1 x g1
grep -B2 -C1 x g1
grep -A1 x g1 g2
grep -c -A1 x g1
grep -o -A1 x g1
grep -A 1 -v x g1
grep -C1 -n x g1
grep --context=1 b g1
grep -1 b g1
grep -nA1 b g1
grep -B 100 c g1
grep -A x g1; echo "status $?"
grep -A-1 x g1; echo "status $?"
grep -A1x x g1; echo "status $?"
printf 'k1\nk10\nk1x\n' > keys.txt
grep -x k1 keys.txt; grep -xc 'k1.' keys.txt; grep --line-regexp -n k10 keys.txt
grep -wx k1 keys.txt; grep -xv 'k1.*' keys.txt; echo "status $?"
