"""flowcheck_fuzz_target: one libFuzzer target, and its corpus as a test.

flowcheck_fuzz_target(name, srcs, deps, corpus, dict) makes

  <name>               the fuzzer binary. Under --config=fuzz (which sets
                       --define=flowcheck_fuzz=libfuzzer) it links libFuzzer
                       (-fsanitize=fuzzer); otherwise it links the replay
                       driver (fuzz/replay_main.cc), so plain `bazel build
                       //...` with gcc builds it and never needs libFuzzer.
                       Either way `bazel run //fuzz:<name> -- FILE_OR_DIR`
                       runs inputs through it (pass absolute paths: bazel
                       run starts in the runfiles tree).
  <name>_replay_test   a cc_test (in `bazel test //...`) that replays every
                       file of the checked-in corpus once with the replay
                       driver, in whatever configuration the build uses.
  <name>_lib           the sources (alwayslink: nothing but the fuzzing
                       engine refers to LLVMFuzzerTestOneInput).

`srcs` must define extern "C" LLVMFuzzerTestOneInput and no main().
`corpus_test = False` leaves out <name>_replay_test (a target that finds
something on purpose, as mutant_zoo_fuzzer does).
`corpus` is a directory in this package (default "corpus/<name>"); `dict`
a libFuzzer dictionary file, shipped with the binary as data. An empty or
missing corpus makes the replay test fail (the driver finds no input).
"""

load("//tools:copts.bzl", "FLOWCHECK_COPTS", "FUZZ_COVERAGE_COPTS", "FUZZ_COVERAGE_DEPS")

def flowcheck_fuzz_target(
        name,
        srcs,
        deps = [],
        corpus = None,
        dict = None,
        size = "small",
        corpus_test = True,
        **kwargs):
    """A libFuzzer target and a test that replays its corpus (see above)."""
    if corpus == None:
        corpus = "corpus/" + name
    corpus_files = native.glob([corpus + "/**"])
    corpus_path = native.package_name() + "/" + corpus
    data = corpus_files + ([dict] if dict else [])

    native.cc_library(
        name = name + "_lib",
        srcs = srcs,
        copts = FLOWCHECK_COPTS + FUZZ_COVERAGE_COPTS,
        deps = deps + FUZZ_COVERAGE_DEPS,
        alwayslink = True,
        testonly = True,
    )

    native.cc_binary(
        name = name,
        testonly = True,
        copts = FLOWCHECK_COPTS + FUZZ_COVERAGE_COPTS,
        data = data,
        linkopts = select({
            "//fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = [":" + name + "_lib"] + FUZZ_COVERAGE_DEPS + select({
            "//fuzz:libfuzzer": [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
        **kwargs
    )

    if not corpus_test:
        return
    native.cc_test(
        name = name + "_replay_test",
        size = size,
        copts = FLOWCHECK_COPTS + FUZZ_COVERAGE_COPTS,
        data = corpus_files,
        args = [corpus_path],
        deps = [
            ":" + name + "_lib",
            "//fuzz:replay_main",
        ] + FUZZ_COVERAGE_DEPS,
        **kwargs
    )
