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

def flowcheck_cc_library(name, copts = [], **kwargs):
    """A cc_library with the project's warning flags."""
    native.cc_library(name = name, copts = FLOWCHECK_COPTS + copts, **kwargs)

def flowcheck_cc_binary(name, copts = [], **kwargs):
    """A cc_binary with the project's warning flags."""
    native.cc_binary(name = name, copts = FLOWCHECK_COPTS + copts, **kwargs)

def flowcheck_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A cc_test with the project's warning flags, linked with gtest_main."""
    native.cc_test(
        name = name,
        size = size,
        copts = FLOWCHECK_TEST_COPTS + copts,
        deps = deps + [Label("//third_party:gtest_main")],
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
