#!/usr/bin/env bash
# Generates the test PKI into $1 with the openssl CLI (nothing is fetched or committed):
#   ca           RSA-2048 root "zsock Test CA"
#   server-rsa   RSA-2048 leaf, CN=localhost (SAN localhost, 127.0.0.1, ::1)
#   server-ec    ECDSA P-256 leaf, same names;  server-ec384: P-384
#   expired      P-256 leaf valid 2020-01-01 .. 2021-01-01
#   other-ca / other-server   an unrelated root and a leaf it signed (the "unknown CA" case)
#   client       P-256 client certificate (mutual TLS), CN=zsock-client
#   selfsigned   RSA-2048 self-signed CN=localhost (like Zephyr's echo-apps-cert)
# Each as NAME.crt/.key (PEM) and NAME.crt.der/.key.der (DER, PKCS#8 keys).
set -euo pipefail
out=${1:?usage: gen-certs.sh DIR}
[ -f "$out/.done" ] && exit 0
mkdir -p "$out" && cd "$out"

ext_leaf="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

key() { # name alg
  case $2 in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
  esac
}
root() { # name cn
  key "$1" rsa
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.crt"
}
leaf() { # name alg cn ca [extra x509 args]
  local name=$1 alg=$2 cn=$3 ca=$4; shift 4
  key "$name" "$alg"
  printf '%s\n' "$ext_leaf" > "$name.ext"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
    -sha256 -extfile "$name.ext" -out "$name.crt" "$@" 2>/dev/null
}
expired() { # name ca: a leaf whose validity ended in 2021, signed with `openssl ca`
  key "$1" p256
  openssl req -new -key "$1.key" -subj "/CN=localhost" -out "$1.csr"
  mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
  cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = p
copy_extensions = none
[p]
commonName = supplied
[x]
$ext_leaf
CNF
  openssl ca -batch -config ca-db/ca.cnf -cert "$2.crt" -keyfile "$2.key" -extensions x \
    -startdate 20200101000000Z -enddate 20210101000000Z -in "$1.csr" -out "$1.crt" 2>/dev/null
}

root ca "zsock Test CA"
root other-ca "Unrelated CA"
leaf server-rsa rsa localhost ca -days 3650
leaf server-ec p256 localhost ca -days 3650
leaf server-ec384 p384 localhost ca -days 3650
leaf other-server p256 localhost other-ca -days 3650
leaf client p256 zsock-client ca -days 3650
expired expired ca
key selfsigned rsa
openssl req -x509 -new -key selfsigned.key -subj "/CN=localhost" -days 7300 -sha256 \
  -addext "subjectAltName=DNS:localhost" -out selfsigned.crt

for c in *.crt; do openssl x509 -in "$c" -outform DER -out "$c.der"; done
for k in *.key; do openssl pkcs8 -topk8 -nocrypt -in "$k" -outform DER -out "$k.der"; done
rm -f ./*.csr ./*.ext ./*.srl && rm -rf ca-db
touch .done
echo "  test certificates -> $out"
