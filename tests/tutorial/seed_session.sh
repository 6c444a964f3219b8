# seed: kubectl get pods
kubectl get pods -n kube-system
# seed: describe etcd
kubectl describe pod etcd-docker-01 -n kube-system
# seed: describe apiserver
kubectl describe pod kube-apiserver -n kube-system
# seed: download
ETCD_VER=v3.4.7

GOOGLE_URL=https://storage.googleapis.com/etcd
GITHUB_URL=https://github.com/etcd-io/etcd/releases/download
DOWNLOAD_URL=${GOOGLE_URL}

rm -f /tmp/etcd-${ETCD_VER}-linux-amd64.tar.gz
rm -rf /tmp/etcd-download-test && mkdir -p /tmp/etcd-download-test

curl -L ${DOWNLOAD_URL}/${ETCD_VER}/etcd-${ETCD_VER}-linux-amd64.tar.gz -o /tmp/etcd-${ETCD_VER}-linux-amd64.tar.gz
tar xzvf /tmp/etcd-${ETCD_VER}-linux-amd64.tar.gz -C /tmp/etcd-download-test --strip-components=1
rm -f /tmp/etcd-${ETCD_VER}-linux-amd64.tar.gz

/tmp/etcd-download-test/etcd --version
/tmp/etcd-download-test/etcdctl version
# learner: find --advertise-client-urls
kubectl describe pod etcd-docker-01 -n kube-system | grep advertise-client-urls
ADVERTISE_URL=$(kubectl describe pod etcd-docker-01 -n kube-system | grep -o 'advertise-client-urls=.*' | cut -d= -f2)
echo $ADVERTISE_URL
# seed: tls block, then member list
ETCDCTL_API=3 etcdctl \
--cacert /etc/kubernetes/pki/etcd/ca.crt \
--key /etc/kubernetes/pki/etcd/server.key \
--cert /etc/kubernetes/pki/etcd/server.crt \
--endpoints $ADVERTISE_URL \
member list
# seed: tls block, then endpoint health
ETCDCTL_API=3 etcdctl \
--cacert /etc/kubernetes/pki/etcd/ca.crt \
--key /etc/kubernetes/pki/etcd/server.key \
--cert /etc/kubernetes/pki/etcd/server.crt \
--endpoints $ADVERTISE_URL \
endpoint health
# seed: tls block, then get
ETCDCTL_API=3 etcdctl \
--cacert /etc/kubernetes/pki/etcd/ca.crt \
--key /etc/kubernetes/pki/etcd/server.key \
--cert /etc/kubernetes/pki/etcd/server.crt \
--endpoints $ADVERTISE_URL \
get /registry/namespaces/kube-system --keys-only
# seed: tls block, then snapshot save
ETCDCTL_API=3 etcdctl \
--cacert /etc/kubernetes/pki/etcd/ca.crt \
--key /etc/kubernetes/pki/etcd/server.key \
--cert /etc/kubernetes/pki/etcd/server.crt \
--endpoints $ADVERTISE_URL \
snapshot save /root/tls-snapshot.db
# seed: tls block, then Enter on an empty line
ETCDCTL_API=3 etcdctl \
--cacert /etc/kubernetes/pki/etcd/ca.crt \
--key /etc/kubernetes/pki/etcd/server.key \
--cert /etc/kubernetes/pki/etcd/server.crt \
--endpoints $ADVERTISE_URL \

# learner: ENDPOINT without brackets
ENDPOINT=127.0.0.1:2379
# seed: snapshot save without TLS
ETCDCTL_API=3 etcdctl --endpoints $ENDPOINT snapshot save snapshotdb
# seed: snapshot save with brackets
ETCDCTL_API=3 etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb
# learner: snapshot save with certificates
ETCDCTL_API=3 etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --endpoints=127.0.0.1:2379 --key /etc/kubernetes/pki/etcd/server.key snapshot save snapshotdb
# seed: snapshot status
ETCDCTL_API=3 etcdctl --write-out=table snapshot status snapshotdb
