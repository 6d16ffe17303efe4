#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the test certificates of tests/unit/test_x509.c and expected.txt (the values
# openssl itself reads from them: SHA-256 fingerprint, validity as Unix seconds). Keys are
# fresh on every run, so fingerprints change; everything else (names, dates, algorithms) is
# fixed here and asserted literally by the test.
# Needs openssl 3.x, python3 (stdlib only) and GNU date. Run from anywhere.
set -eu
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ca.cnf <<'CNF'
[ca]
default_ca = test_ca
[test_ca]
database = index.txt
new_certs_dir = .
serial = serial
policy = any
unique_subject = no
preserve = yes
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
string_mask = default
utf8 = yes
[dn]
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
[leaf_san]
basicConstraints = CA:false
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:cube1.dcloud.cisco.com, DNS:*.dcloud.cisco.com, IP:198.18.133.226, IP:2001:db8::5061
[many_san]
basicConstraints = CA:false
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:cucm1.dcloud.cisco.com, DNS:cucm2.dcloud.cisco.com, DNS:cucm3.dcloud.cisco.com, DNS:cucm4.dcloud.cisco.com, DNS:cucm5.dcloud.cisco.com, DNS:cucm6.dcloud.cisco.com, DNS:cucm7.dcloud.cisco.com, DNS:cucm8.dcloud.cisco.com, DNS:cucm9.dcloud.cisco.com, DNS:cucm10.dcloud.cisco.com, DNS:cucm11.dcloud.cisco.com, DNS:cucm12.dcloud.cisco.com
[ip_san]
basicConstraints = CA:false
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:198.18.133.3, IP:2001:db8:133::3
[wildcard_san]
basicConstraints = CA:false
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:*.dcloud.cisco.com, DNS:f*.wild.test, DNS:*.test, DNS:a.*.wild.test
CNF
: > index.txt
echo 1000 > serial

key() { # name algorithm-options...
    n=$1
    shift
    openssl genpkey "$@" -out "$n.key" 2>/dev/null
}
# sign NAME SUBJECT EXT START END ISSUER(ca|self) MD [extra ca options]
sign() {
    n=$1 subj=$2 ext=$3 start=$4 end=$5 issuer=$6 md=$7
    shift 7
    openssl req -new -config ca.cnf -utf8 -key "$n.key" -subj "$subj" -out "$n.csr"
    if [ "$issuer" = self ]; then
        set -- -selfsign -keyfile "$n.key" "$@"
    else
        set -- -cert ca.pem -keyfile ca.key "$@"
    fi
    openssl ca -batch -config ca.cnf -notext -utf8 -extensions "$ext" -startdate "$start" \
        -enddate "$end" -md "$md" -in "$n.csr" -out "$n.pem" "$@" 2>/dev/null
    openssl x509 -in "$n.pem" -outform DER -out "$out/$n.der"
}

# ec_leaf NAME SUBJECT EXT: a P-256 key and a certificate from the CA for 2024.
ec_leaf() {
    key "$1" -algorithm EC -pkeyopt ec_paramgen_curve:P-256
    sign "$1" "$2" "$3" 20240101000000Z 20250101000000Z ca sha256
}

key ca -algorithm RSA -pkeyopt rsa_keygen_bits:2048
sign ca "/O=ccesec/CN=ccesec Test Root CA" v3_ca 20240101000000Z 20491231235959Z self sha256
cp ca.pem ca_issuer.pem

key leaf_rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
sign leaf_rsa2048 "/O=dCloud/CN=cube1.dcloud.cisco.com" leaf_san 20240301120000Z 20260301120000Z ca sha256

key rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
sign rsa1024 "/CN=vvb1.dcloud.cisco.com" leaf 20240101000000Z 20250101000000Z self sha256

key sha1 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
sign sha1 "/CN=cucm1.dcloud.cisco.com" leaf 20240101000000Z 20250101000000Z ca sha1

key pss -algorithm RSA -pkeyopt rsa_keygen_bits:2048
sign pss "/CN=pss.test" leaf 20240101000000Z 20250101000000Z ca sha384 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest

key ec_p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
sign ec_p256 "/CN=ec256.test" leaf 20240101000000Z 20250101000000Z self sha256

key ec_p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
sign ec_p384 "/CN=ec384.test" leaf 20240101000000Z 20250101000000Z self sha384

key ed25519 -algorithm ED25519
sign ed25519 "/CN=ed25519.test" leaf 20240101000000Z 20250101000000Z self default

key ed448 -algorithm ED448
sign ed448 "/CN=ed448.test" leaf 20240101000000Z 20250101000000Z self default

ec_leaf bmp_cn "/CN=客服中心 ccesec" leaf

# Two commonNames: the last one is the one that counts.
ec_leaf two_cn "/CN=first.test/O=ccesec/CN=second.test" leaf

# A CUCM cluster certificate: twelve SAN dNSNames, and a CN that is none of them.
ec_leaf many_san "/CN=CUCM cluster" many_san

# Addresses only: the CN counts, as there is no SAN dNSName.
ec_leaf ip_san "/CN=cucm1.dcloud.cisco.com" ip_san

# RFC 6125 wildcards: one whole left-most label only.
ec_leaf wildcard_san "/CN=wild.test" wildcard_san

# Sixty three-byte characters: more than a kept name holds, so it is cut between characters.
ec_leaf wide_cn "/CN=$(python3 -c 'print("\u5ba2" * 60)')" leaf

key expired -algorithm EC -pkeyopt ec_paramgen_curve:P-256
sign expired "/CN=expired.test" leaf 20200101000000Z 20211231235959Z ca sha256

# notBefore is the last UTCTime second, notAfter needs GeneralizedTime (year >= 2050).
key future -algorithm EC -pkeyopt ec_paramgen_curve:P-256
sign future "/CN=future.test" leaf 20491231235959Z 20510630123456Z ca sha256

# openssl refuses a commonName over 64 characters, so this one is assembled by hand (a
# minimal DER encoder below, issued by the CA) and signed with the CA's key by openssl.
key long_cn -algorithm EC -pkeyopt ec_paramgen_curve:P-256
openssl pkey -in long_cn.key -pubout -outform DER -out long_cn.spki
openssl x509 -in ca.pem -outform DER -out ca.der
python3 - <<'PY'
import subprocess

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + body

def contents(der):
    n, j = der[1], 2
    if n & 0x80:
        j += n & 0x7f
    return der[j:]

def children(der):
    i, out = 0, []
    while i < len(der):
        n, j = der[i + 1], i + 2
        if n & 0x80:
            k = n & 0x7f
            n, j = int.from_bytes(der[j:j + k], 'big'), j + k
        out.append(der[i:j + n])
        i = j + n
    return out

ca_tbs = children(contents(open('ca.der', 'rb').read()))[0]
ca_subject = children(contents(ca_tbs))[5]
sha256_rsa = tlv(0x30, tlv(0x06, bytes.fromhex('2a864886f70d01010b')) + b'\x05\x00')
cn = tlv(0x31, tlv(0x30, tlv(0x06, bytes.fromhex('550403'))
                   + tlv(0x0c, b'x' * 190 + b'.long.test')))
validity = tlv(0x30, tlv(0x17, b'240101000000Z') + tlv(0x17, b'250101000000Z'))
tbs = tlv(0x30, tlv(0xa0, tlv(0x02, b'\x02')) + tlv(0x02, b'\x10\x99') + sha256_rsa
          + ca_subject + validity + tlv(0x30, cn) + open('long_cn.spki', 'rb').read())
sig = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', 'ca.key'], input=tbs,
                     capture_output=True, check=True).stdout
open('long_cn.der', 'wb').write(tlv(0x30, tbs + sha256_rsa + tlv(0x03, b'\x00' + sig)))
PY
openssl verify -CAfile ca.pem long_cn.der >/dev/null 2>&1 ||
    openssl x509 -inform DER -in long_cn.der -noout # must parse at least
cp long_cn.der "$out/long_cn.der"

# What openssl reads: NAME fingerprint notBefore notAfter (Unix seconds).
: > "$out/expected.txt.new"
for f in "$out"/*.der; do
    n=$(basename "$f" .der)
    fp=$(openssl x509 -inform DER -in "$f" -noout -fingerprint -sha256 | sed 's/.*=//' |
        tr 'A-F' 'a-f')
    nb=$(date -u -d "$(openssl x509 -inform DER -in "$f" -noout -startdate | sed 's/.*=//')" +%s)
    na=$(date -u -d "$(openssl x509 -inform DER -in "$f" -noout -enddate | sed 's/.*=//')" +%s)
    echo "$n $fp $nb $na" >> "$out/expected.txt.new"
done
mv "$out/expected.txt.new" "$out/expected.txt"
echo "wrote $(wc -l < "$out/expected.txt") certificates to $out"
