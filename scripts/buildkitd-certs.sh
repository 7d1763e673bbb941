#!/usr/bin/env bash
# buildkitd-certs.sh makes the mTLS files of deploy/kubernetes: a CA, the
# daemons' certificate (for every pod of the buildkitd Service, and as a
# client for their readiness probe) and dockyard's client certificate,
# into DIR (default ./certs). It then prints the kubectl command that
# stores the daemons' files in the buildkitd-certs Secret.
# Usage: scripts/buildkitd-certs.sh [DIR] [NAMESPACE]
set -euo pipefail

dir=${1:-certs}
ns=${2:-dockyard}
days=365
mkdir -p "$dir"
cd "$dir"

ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }

ec -x509 -keyout ca-key.pem -out ca.pem -days "$days" -subj /CN=dockyard-buildkitd-ca
printf 'subjectAltName=DNS:*.buildkitd.%s.svc.cluster.local,DNS:*.buildkitd.%s.svc,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$ns" "$ns" >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
for who in server client; do
	ec -keyout "$who-key.pem" -out "$who.csr" -subj "/CN=dockyard-buildkitd-$who"
	openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
		-out "$who.pem" -days "$days" -extfile "$who.ext" 2>/dev/null
	rm "$who.csr" "$who.ext"
done
chmod 600 ./*-key.pem
printf 'made %s/{ca,server,client}.pem and keys; store the daemons'"'"' files with:\n' "$PWD" >&2
printf 'kubectl -n %s create secret generic buildkitd-certs --from-file=ca.pem=%s/ca.pem --from-file=cert.pem=%s/server.pem --from-file=key.pem=%s/server-key.pem\n' "$ns" "$PWD" "$PWD" "$PWD"
