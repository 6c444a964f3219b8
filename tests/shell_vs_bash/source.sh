# source and `.`: the file's variables, aliases and directory stay in this shell
printf 'X=from-file\nalias hi="echo hello"\nhi there\nmkdir -p sub\ncd sub\nfor i in 1 2; do\n  echo "loop $i"\ndone\necho one \\\n  two\nfalse\n' > vars.sh
source vars.sh; echo "status $?"
echo "X=$X"; pwd | sed 's|.*/||'
hi again
cd ..
. ./vars.sh > /dev/null; echo "X=$X status $?"
cd ..
printf 'echo in-second\n' > second.sh
printf 'source second.sh\necho after-second\n' > first.sh
source first.sh
source nosuch.sh; echo "status $?"
source; echo "status $?"
printf 'for i in 1; do\n' > open.sh
source open.sh 2>/dev/null; echo "status $?"
