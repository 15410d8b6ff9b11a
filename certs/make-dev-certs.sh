#!/bin/sh
# Makes a development PKI for creditgw: never for production, never committed.
#
#   sh certs/make-dev-certs.sh OUTDIR
#
# OUTDIR/ca.pem, ca.key            development CA (EC P-256)
# OUTDIR/server.pem, server.key    TLS certificate of the local mock platform (localhost, 127.0.0.1)
# OUTDIR/client.pem, client.key    TLS client certificate of the gateway (mutual TLS)
# OUTDIR/signing.pem, signing.key  SM2 key and certificate the gateway signs batches with
# OUTDIR/signing.pub               the SM2 public key, for `openssl dgst -verify`
# Private keys are written with mode 0600; the gateway refuses keys readable by others.
set -eu

out=${1:?usage: make-dev-certs.sh OUTDIR}
days=825
mkdir -p "$out"
umask 077
cd "$out"

ext=$(mktemp)
trap 'rm -f "$ext" ./*.csr ./*.srl' EXIT

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -out ca.pem \
  -subj "/C=CN/O=creditgw development/CN=creditgw development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

issue() { # NAME: signs NAME.csr with the CA, using the extensions in $ext
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
    -days "$days" -out "$1.pem" -extfile "$ext"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
openssl req -new -key server.key -out server.csr -subj "/C=CN/O=creditgw development/CN=localhost"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >"$ext"
issue server

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key
openssl req -new -key client.key -out client.csr -subj "/C=CN/O=creditgw development/CN=creditgw-gateway"
printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n' >"$ext"
issue client

# The SM2 signing key. Its certificate is issued by the development CA with SHA-256; the
# CSR itself is signed with SM2-with-SM3 and the standard signer ID.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out signing.key
openssl req -new -key signing.key -sm3 -sigopt distid:1234567812345678 -out signing.csr \
  -subj "/C=CN/O=creditgw development/CN=creditgw batch signing"
printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' >"$ext"
openssl x509 -req -in signing.csr -vfyopt distid:1234567812345678 -CA ca.pem -CAkey ca.key \
  -CAcreateserial -sha256 -days "$days" -out signing.pem -extfile "$ext"
openssl pkey -in signing.key -pubout -out signing.pub

chmod 600 ./*.key
chmod 644 ./*.pem signing.pub
echo "development PKI written to $out"
