# Sourced by the scripts (from the repository root). Never installs anything into the global interpreter:
# - uv: the one on PATH, else one bootstrapped once into .cache/uv, a virtual environment inside this
#   clone made with `python3 -m venv` and its own pip (.cache/bin, which holds only that uv, is put on PATH);
# - `ensure_venv DIR [ARG...]` creates the virtual environment DIR (if needed) and installs the project
#   into it in editable mode, plus whatever ARG adds (`--group dev`, a pinned requirement...).
if ! command -v uv >/dev/null 2>&1; then
    if [ ! -x .cache/uv/bin/uv ]; then
        echo "uv is not on PATH: installing it into .cache/uv (a virtual environment in this clone)" >&2
        rm -rf .cache/uv
        python3 -m venv .cache/uv
        .cache/uv/bin/python -m pip install --quiet --disable-pip-version-check uv
    fi
    mkdir -p .cache/bin
    ln -sf ../uv/bin/uv .cache/bin/uv
    export PATH="$PWD/.cache/bin:$PATH"
fi
export UV_PYTHON="${UV_PYTHON:-python3}"

ensure_venv() {
    local dir=$1
    shift
    [ -x "$dir/bin/python" ] || uv venv --quiet "$dir"
    VIRTUAL_ENV="$PWD/$dir" uv pip install --quiet -e . "$@"
}
