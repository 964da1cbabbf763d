#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a free loopback port, owned by an
# unprivileged user (initdb refuses root): Debian's postgresql package, never a mock.
#   postgres.sh start DIR   initdb + pg_ctl start with its data in DIR, TLS on (a throwaway CA
#                           signs a certificate for the name localhost only); writes DIR/env (the
#                           variables the tests read: a URL without the password, the password
#                           in a file, the CA, and a second CA that signed nothing) and waits
#                           until it accepts connections
#   postgres.sh stop DIR    pg_ctl stop
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command="${1:?start or stop}"
dir="${2:?a folder for its data}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
owner="$(id -un)"
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  owner="$(getent passwd postgres >/dev/null && echo postgres || echo nobody)"
  as_owner() { runuser -u "$owner" -- "$@"; }
fi

case "$command" in
start)
  [ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
  mkdir -p "$dir"
  chmod 755 "$dir"
  port="$(python3 "$here/free-ports.py" 1)"
  password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s' "$password" > "$dir/superuser-password"
  chown "$owner" "$dir"
  chown "$owner" "$dir/superuser-password"
  # TLS: the server's certificate names localhost only, so the tests can tell verify-full
  # (name checked: 127.0.0.1 is refused) from verify-ca (authority checked only).
  mkdir -p "$dir/tls"
  tls_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
  for ca in ca other-ca; do
    tls_key "$dir/tls/$ca.key"
    openssl req -x509 -new -key "$dir/tls/$ca.key" -days 2 -subj "/CN=Enclave test $ca" -out "$dir/tls/$ca.pem" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  done
  tls_key "$dir/tls/server.key"
  openssl req -new -key "$dir/tls/server.key" -subj "/CN=localhost" -out "$dir/tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$dir/tls/server.ext"
  openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/tls/server.ext" -out "$dir/tls/server.pem" 2>/dev/null
  chmod 755 "$dir/tls"
  chmod 644 "$dir/tls/"*.pem
  chmod 600 "$dir/tls/server.key"
  chown "$owner" "$dir/tls/server.key" "$dir/tls/server.pem"
  as_owner "$bin/initdb" -D "$dir/cluster" -U enclave --auth=scram-sha-256 --pwfile="$dir/superuser-password" \
    -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=off -c max_connections=200 \
        -c ssl=on -c ssl_cert_file='$dir/tls/server.pem' -c ssl_key_file='$dir/tls/server.key'" \
    > /dev/null || { tail -20 "$dir/postgres.log" >&2; exit 1; }
  PGPASSWORD="$password" "$bin/psql" -h 127.0.0.1 -p "$port" -U enclave -d postgres -qc "CREATE DATABASE enclave" >/dev/null
  # The tests' own copy of the password, readable by the user running them.
  cp "$dir/superuser-password" "$dir/password"
  chown "$(id -u)" "$dir/password"
  chmod 600 "$dir/password"
  cat > "$dir/env" <<ENV
ENCLAVE_TEST_DATABASE_URL=postgresql://enclave@127.0.0.1:$port/enclave
ENCLAVE_TEST_DATABASE_PASSWORD_FILE=$dir/password
ENCLAVE_TEST_DATABASE_CA=$dir/tls/ca.pem
ENCLAVE_TEST_DATABASE_OTHER_CA=$dir/tls/other-ca.pem
ENV
  ;;
stop)
  if [ -f "$dir/cluster/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/cluster" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  ;;
*) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
