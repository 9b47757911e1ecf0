"""Compiler options shared by every flowcheck target (Abseil's copts.bzl idea).

FLOWCHECK_COPTS turns warnings into errors on project code. System headers
are found in /usr/include, which the compiler already treats as a system
directory, so Debian's libraries stay quiet.
"""

FLOWCHECK_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow=local",
    "-Wnon-virtual-dtor",
    "-Wno-missing-field-initializers",
]

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
        deps = deps + ["//third_party:gtest_main"],
        **kwargs
    )
