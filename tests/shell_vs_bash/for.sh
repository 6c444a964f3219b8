# for over words, $(seq ...), brace expansion, variables that split
for i in 1 2 3; do echo "item $i"; done
for i in $(seq 3); do echo "seq $i"; done
for i in $(seq 2 2 7); do printf '%s,' "$i"; done; echo
for k in {1..5}; do echo -n "$k "; done; echo
for k in {5..1..2} {a..c} {x,y,z}; do echo "$k"; done
for f in k{01..03}.txt; do echo "$f"; done
echo pre{A,B}post {1..3}{a,b}
L="alpha beta  gamma"
for w in $L; do echo "[$w]"; done
for w in "$L"; do echo "[$w]"; done
for w in; do echo never; done
for i in 1 2
do
  echo "multi $i"
done
for i in a b c; do
  for j in 1 2; do
    echo "$i$j"
  done
done
echo "after loop: $i $j"
for x in $(printf 'one\ntwo three\n'); do echo "<$x>"; done
