# seq and printf
seq 3
seq 2 4
seq 1 3 10
seq 5 1
seq 3 -1 1
seq -w 8 10
seq -w -3 2
seq -s , 4
seq -s: -w 1 3
seq 0 0.5 2
seq 1.5 3
seq 10 -3 1
seq
seq a
seq 1 0 5
seq 1 2 3 4
printf '%5s|%-5s|%05d|%x|%%|%o|%X|%3d|%-4d|%.2s|%c\n' ab cd 42 255 8 255 7 3 abcdef xyz
printf '%-10s%s\n' key value k2 v2 k3
printf '\101\060\n'
printf '%b\n' 'a\101\0101' 'tab\there'
printf '%d|%d|%d|%x\n' 12 "'A" 0x1f 010
printf '%.3d|%+d|% d|%#x|%#o\n' 5 5 5 255 8
printf '%5.1f|%e|%.2f\n' 3.14159 1234.5 2
printf '%s\n'
printf 'no newline'
echo
printf '%d\n' 12x; echo "status $?"
printf '%s-%s\n' a b c
printf '%q\n' 'a b'
