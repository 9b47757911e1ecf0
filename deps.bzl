"""What a workspace that uses flowcheck must declare, in one macro.

In the consumer's WORKSPACE (docs/certify.md, "Using flowcheck from your
own workspace"):

    local_repository(name = "flowcheck", path = "path/to/flowcheck")

    load("@flowcheck//:deps.bzl", "flowcheck_dependencies")

    flowcheck_dependencies()

Bazel 4.2 in WORKSPACE mode appends a suffix to every WORKSPACE that would
download rules_cc, rules_java and remote_coverage_tools unless repositories
of those names already exist. flowcheck has offline stand-ins for them under
third_party/; flowcheck_dependencies() declares them -- call it before
anything else that might want those names. flowcheck's own WORKSPACE calls
it too, so there is one list.

The stand-ins must be found from whichever workspace calls the macro, and a
local_repository path is relative to *that* workspace, not to flowcheck. So
each stand-in is a small repository rule that asks Bazel where flowcheck's
copy is (a Label resolved in this file's repository) and links its files.
Nothing is downloaded.
"""

def _flowcheck_stand_in_impl(repository_ctx):
    source = repository_ctx.path(repository_ctx.attr.workspace_file).dirname
    for entry in source.readdir():
        repository_ctx.symlink(entry, entry.basename)

_flowcheck_stand_in = repository_rule(
    implementation = _flowcheck_stand_in_impl,
    attrs = {
        "workspace_file": attr.label(
            mandatory = True,
            allow_single_file = True,
            doc = "The WORKSPACE file of the stand-in's directory in flowcheck.",
        ),
    },
    local = True,
    doc = "A repository made of links to a directory in flowcheck's source tree.",
)

# Repository name -> its stand-in's directory in flowcheck (Label() resolves
# in flowcheck's repository whichever workspace loads this file).
_STAND_INS = {
    "rules_cc": Label("//third_party/rules_cc:WORKSPACE"),
    "rules_java": Label("//third_party/rules_java:WORKSPACE"),
    "remote_coverage_tools": Label("//third_party/remote_coverage_tools:WORKSPACE"),
}

def flowcheck_dependencies():
    """Declares the offline stand-ins flowcheck needs; downloads nothing.

    A repository the calling WORKSPACE already declared is left alone (it
    may bring the real rule set).
    """
    existing = native.existing_rules()
    for name, workspace_file in _STAND_INS.items():
        if name not in existing:
            _flowcheck_stand_in(name = name, workspace_file = workspace_file)
