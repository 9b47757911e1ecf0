"""Compiler options shared by every flowcheck target (Abseil's copts.bzl idea).

FLOWCHECK_COPTS turns warnings into errors on project code. System headers
are found in /usr/include, which the compiler already treats as a system
directory, so Debian's libraries stay quiet.

The project builds with gcc (the default) and with clang-14 (--config=clang,
--config=fuzz).
The two accept different warning spellings, and an unknown -W option is
itself an error under -Werror in clang, so the compiler-specific part is
chosen by //tools:clang_compiler, which asks the C++ toolchain actually in
use (not a flag a user could forget to pass).

Labels here go through Label(): a plain string in a macro resolves in the
repository of the BUILD file that calls it, so a workspace using these
macros through @flowcheck would look for its own //tools and //third_party.
A Label() resolves in flowcheck's repository, whoever calls (select() in
Bazel 4.2 takes only strings as keys, hence str(Label(...)) there).
"""

_COMMON_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wnon-virtual-dtor",
    "-Wno-missing-field-initializers",
]

# gcc: shadowing of locals only (parameters and members may be shadowed on
# purpose, e.g. constructor arguments).
_GCC_WARNINGS = ["-Wshadow=local"]

# clang: its closest equivalent of gcc's -Wshadow=local.
_CLANG_WARNINGS = ["-Wshadow-uncaptured-local"]

FLOWCHECK_COPTS = _COMMON_WARNINGS + select({
    str(Label("//tools:clang_compiler")): _CLANG_WARNINGS,
    "//conditions:default": _GCC_WARNINGS,
})

FLOWCHECK_TEST_COPTS = FLOWCHECK_COPTS

# Under --config=fuzz (--define=flowcheck_fuzz=libfuzzer): the functions
# coverage instrumentation leaves out wherever they are compiled, the
# standard library's above all (tools/fuzz_coverage_ignorelist.txt says
# why). The list must be an input of each compile that names it, so the
# macros below add both the flag (FUZZ_COVERAGE_COPTS) and a dependency
# that carries the file (FUZZ_COVERAGE_DEPS). Not part of FLOWCHECK_COPTS:
# a user's own rule with those copts would name a file it does not have.
# The path is the compiler's, from the execution root: under external/
# when flowcheck is another workspace's dependency.
_IGNORELIST = Label("//tools:fuzz_coverage_ignorelist.txt")

FUZZ_COVERAGE_COPTS = select({
    str(Label("//fuzz:libfuzzer")): [
        "-fsanitize-coverage-ignorelist=" +
        (_IGNORELIST.workspace_root + "/" if _IGNORELIST.workspace_root else "") +
        _IGNORELIST.package + "/" + _IGNORELIST.name,
    ],
    "//conditions:default": [],
})

FUZZ_COVERAGE_DEPS = [Label("//tools:fuzz_coverage_ignorelist")]

def flowcheck_cc_library(name, copts = [], deps = [], **kwargs):
    """A cc_library with the project's warning flags."""
    native.cc_library(
        name = name,
        copts = FLOWCHECK_COPTS + FUZZ_COVERAGE_COPTS + copts,
        deps = deps + FUZZ_COVERAGE_DEPS,
        **kwargs
    )

def flowcheck_cc_binary(name, copts = [], deps = [], **kwargs):
    """A cc_binary with the project's warning flags."""
    native.cc_binary(
        name = name,
        copts = FLOWCHECK_COPTS + FUZZ_COVERAGE_COPTS + copts,
        deps = deps + FUZZ_COVERAGE_DEPS,
        **kwargs
    )

def flowcheck_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A cc_test with the project's warning flags, linked with gtest_main."""
    native.cc_test(
        name = name,
        size = size,
        copts = FLOWCHECK_TEST_COPTS + FUZZ_COVERAGE_COPTS + copts,
        deps = deps + FUZZ_COVERAGE_DEPS + [Label("//third_party:gtest_main")],
        **kwargs
    )

def flowcheck_certify_binary(name, deps = [], args = [], **kwargs):
    """A command line certifying your flows (tools/certify_main.h).

    Its main() calls flowcheck::tools::CertifyMain(argc, argv, {flows...}).
    `bazel run :NAME -- certify ...` then prints replay lines that name this
    target ("bazel run //pkg:NAME -- certify --flow=..."), which `bazel run
    :NAME -- replay` and the user's shell both understand.
    """
    label = "//%s:%s" % (native.package_name(), name)
    if native.repository_name() != "@":
        label = native.repository_name() + label
    flowcheck_cc_binary(
        name = name,
        deps = deps + [Label("//tools:certify_main")],
        # (args are split like a shell's words: one word, quoted)
        args = ["'--replay-prefix=bazel run %s --'" % label] + args,
        **kwargs
    )

def flowcheck_sweep(
        name,
        flow,
        flow_header,
        deps = [],
        seeds = "1..1000",
        programs = 10,
        shard_count = 10,
        parts = 1,
        size = "large",
        **kwargs):
    """A test that certifies one flow over many seeds, sharded by Bazel.

    tools/sweep_main.h says what each shard does. `flow` is a C++ expression
    giving a flowcheck::conformance::FlowUnderTest ("myproject::MyFlow()"),
    declared in `flow_header` (a path from the workspace root) by one of
    `deps`. `seeds` is "FIRST..LAST"; `programs` the property programs per
    seed. Bazel allows at most 50 shards per test: for more parallelism,
    `parts` splits the seeds over that many tests (NAME_part_1 ...), each
    with `shard_count` shards, gathered in a test_suite NAME -- the parts
    and shards together still cover every seed exactly once. Each shard
    writes its certificate as JSON to its undeclared outputs; `flowcheck
    merge` combines them (docs/scale.md). Each test is also a command line:
    `bazel run --test_sharding_strategy=disabled :TEST -- certify --seed=S
    ...` replays a failure, as its replay lines say.
    """
    if shard_count < 1 or shard_count > 50:
        fail("flowcheck_sweep: shard_count must be 1..50 (Bazel's limit); " +
             "use parts = N for more shards in all")
    if parts < 1:
        fail("flowcheck_sweep: parts must be at least 1")
    main = name + "_main.cc"
    native.genrule(
        name = name + "_main",
        outs = [main],
        cmd = "\n".join([
            "cat > $@ <<'FLOWCHECK_SWEEP_EOF'",
            "// Generated by flowcheck_sweep (tools/copts.bzl) for %s." % name,
            "#include \"%s\"" % flow_header,
            "#include \"tools/sweep_main.h\"",
            "int main(int argc, char** argv) {",
            "  return flowcheck::tools::SweepTestMain(argc, argv, %s);" % flow,
            "}",
            "FLOWCHECK_SWEEP_EOF",
        ]),
    )
    tests = [name] if parts == 1 else [
        "%s_part_%d" % (name, part)
        for part in range(1, parts + 1)
    ]
    for index, test in enumerate(tests):
        label = "//%s:%s" % (native.package_name(), test)
        if native.repository_name() != "@":
            label = native.repository_name() + label
        args = [
            "'--replay-prefix=bazel run --test_sharding_strategy=disabled %s --'" % label,
            "--sweep-seeds=%s" % seeds,
            "--sweep-programs=%d" % programs,
        ]
        if parts > 1:
            args.append("--sweep-part=%d/%d" % (index + 1, parts))
        native.cc_test(
            name = test,
            srcs = [main],
            copts = FLOWCHECK_COPTS,
            deps = deps + [Label("//tools:sweep_main")],
            shard_count = shard_count,
            size = size,
            args = args,
            **kwargs
        )
    if parts > 1:
        native.test_suite(name = name, tests = [":" + test for test in tests])
