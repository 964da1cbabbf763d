# Sourced by the benchmarks' run.sh scripts.
# ensure_venv DIR REQUIREMENTS: a venv in DIR with REQUIREMENTS installed, made again when they change.
ensure_venv() {
  local venv=$1 requirements=$2
  if [ ! -f "$venv/.installed" ] || [ "$requirements" -nt "$venv/.installed" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q -r "$requirements"
    touch "$venv/.installed"
  fi
}
