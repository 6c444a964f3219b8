# parameter expansion: defaults, alternatives, lengths
echo "api=${ETCDCTL_API:-3}"
ETCDCTL_API=2
echo "api=${ETCDCTL_API:-3} alt=${ETCDCTL_API:+set} len=${#ETCDCTL_API}"
E=
echo "[${E:-empty}] [${E-unset}] [${E:+x}] [${E+x}] [${NOPE+x}]"
EP=https://127.0.0.1:2379
echo "${EPS:-$EP}" "${#EP}"
for k in a b; do echo "${k:-none}-${K:-none}"; done
echo '${A:-not expanded}' "${A:-'quoted'}"
export EP CA=/etc/kubernetes/pki/etcd/ca.crt
printenv EP CA; echo "status $?"
printenv CA NOPE; echo "status $?"
