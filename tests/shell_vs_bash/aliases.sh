# aliases (expanded when a line is read, so not on the line that defines them) and type
alias k=echo kgp='echo get pods'
alias
alias k
alias nope; echo "status $?"
alias e=echo; e same line
e next line
A=1 e after assign
k hi | tr a-z A-Z
kgp -n kube-system > out.txt; cat out.txt
alias lc='printf "a\nb\n" | wc -l'
lc
alias q="echo 'x y'"
q z
alias rec='rec2' rec2='echo rec'
rec
alias loop='loop arg'
loop 2>/dev/null; echo "loop status $?"
alias sp='echo '
alias word=hello
sp word
for i in 1 2; do e "in loop $i"; done
if true; then e "in if"; fi
type e; type cd; type printf; type nosuch; echo "type status $?"
type -t e cd if sleep
seq 1 > /dev/null; type seq
unalias e; e gone; echo "status $?"
e gone; echo "status $?"
unalias nope; echo "status $?"
alias =x; echo "status $?"
alias 'bad name=x'; echo "status $?"
unalias -a; alias; echo "after -a $?"
