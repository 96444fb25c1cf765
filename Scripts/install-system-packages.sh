#!/usr/bin/env bash
# Installs the C libraries the package links: OpenBLAS (OpenMP flavour) + LAPACKE, LLVM 19's
# OpenMP runtime, oneDNN (the float32 convolution engine), libjpeg-turbo and libpng (why these flavours: Documentation/Architecture.md),
# and Open MPI with its launcher for data-parallel training (Documentation/Distributed.md).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    libopenblas-openmp-dev liblapacke-dev libomp-19-dev libturbojpeg0-dev libpng-dev pkg-config \
    libopenmpi-dev openmpi-bin libdnnl-dev >/dev/null
# A machine that already had the pthread flavour keeps it selected: switch to the OpenMP one.
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for link in libblas.so.3 liblapack.so.3 libopenblas.so.0 libblas.so liblapack.so libopenblas.so; do
    candidate="/usr/lib/$arch/openblas-openmp/$link"
    name="$link-$arch"
    if [ -e "$candidate" ] && update-alternatives --list "$name" >/dev/null 2>&1; then
        $SUDO update-alternatives --set "$name" "$candidate" >/dev/null
    fi
done
echo "system packages ready"
