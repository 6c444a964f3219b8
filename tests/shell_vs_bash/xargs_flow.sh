# xargs; break/continue/exit
printf 'a b\nc\n' | xargs
printf 'a b\nc d e\n' | xargs -n 2
printf 'x\ny\n' | xargs -I {} echo k{}-{}
printf '' | xargs echo hi
echo 'a "b c" d\ e' | xargs -n1
echo a | xargs nosuch; echo "status $?"
echo a | xargs false; echo "status $?"
echo a | xargs -n 0 echo; echo "status $?"
echo "a'b" | xargs; echo "status $?"
printf '  x y  \n' | xargs -I{} echo "[{}]"
seq 3 | xargs printf '<%s>'; echo
for i in 1 2 3; do for j in 1 2 3; do [ $j = 2 ] && continue 2; echo "$i$j"; done; done
for i in 1 2 3; do for j in 1 2 3; do [ $j = 2 ] && break 2; echo "$i$j"; done; done
break; echo "break status $?"
continue; echo "continue status $?"
for i in 1 2; do break 0; echo "after bad break $?"; done
echo a | exit 3; echo "pipe exit status $?"
x=$(exit 4); echo "subst exit status $?"
for i in 1 2 3; do if [ $i = 2 ]; then exit 7; fi; echo "i=$i"; done
echo never printed
