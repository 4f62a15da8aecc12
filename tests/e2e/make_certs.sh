#!/usr/bin/env bash
#  make_certs.sh DIR — the certificates the TLS tests serve eod-sim with,
#  made at test time with the openssl CLI (P-256 keys: quick to make):
#    ca.pem            a certificate authority the tests trust ([kis] ca_file)
#    other-ca.pem      another one, which signed nothing eod-sim serves
#    good.pem/.key     127.0.0.1 and localhost, signed by ca.pem
#    wrong.pem/.key    wrong.example only, signed by ca.pem
#    expired.pem/.key  127.0.0.1, signed by ca.pem, expired a day ago
#    self.pem/.key     127.0.0.1, self-signed
#  Nothing is kept: each run makes its own. Exits non-zero when openssl fails.
set -euo pipefail
dir=${1:?usage: make_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() {   # NAME SUBJECT
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() {   # NAME CN SAN DAYS [self]
    key "$1.key"
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" >"$1.ext"
    if [ "${5:-}" = self ]; then
        openssl req -x509 -new -key "$1.key" -out "$1.pem" -days "$4" -subj "/CN=$2" \
            -addext "subjectAltName=$3" 2>/dev/null
    else
        openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
        openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$4" \
            -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    fi
}
ca ca "eod test CA"
ca other-ca "eod other CA"
leaf good 127.0.0.1 "IP:127.0.0.1,DNS:localhost" 2
leaf wrong wrong.example "DNS:wrong.example" 2
leaf expired 127.0.0.1 "IP:127.0.0.1,DNS:localhost" -1
leaf self 127.0.0.1 "IP:127.0.0.1,DNS:localhost" 2 self
