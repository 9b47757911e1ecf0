#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz entry point: the build is fuzz/build.sh, from
# the standard variables ($CC, $CXX, $CFLAGS, $CXXFLAGS,
# $LIB_FUZZING_ENGINE, $OUT).
exec "$SRC/flowcheck/fuzz/build.sh"
