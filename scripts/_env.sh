# Sourced by the scripts: installs uv when missing and provides `ensure_venv DIR [requirement...]`,
# which creates DIR (if needed) and installs the project with its dev dependencies into it.
if ! command -v uv >/dev/null 2>&1; then
    python3 -m pip install --quiet uv
fi
export UV_PYTHON="${UV_PYTHON:-python3}"

ensure_venv() {
    local dir=$1
    shift
    [ -x "$dir/bin/python" ] || uv venv --quiet "$dir"
    VIRTUAL_ENV="$PWD/$dir" uv pip install --quiet -e . --group dev "$@"
}
