#include "tools/merge_command.h"

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "conformance/report.h"
#include "conformance/sweep.h"
#include "tools/certify_command.h"
#include "tools/flags.h"
#include "tools/output_file.h"

namespace flowcheck::tools {
namespace {

constexpr std::string_view kUsage =
    R"(usage: flowcheck merge [flags] CERTIFICATE.json...

Combines JSON certificates of one flow over disjoint seeds -- the shards
of a sweep -- into one certificate: counts summed, failures and crashes
united, each clause judged again (FAIL if any seed failed it, PASS if some
seed exercised it and none failed it).

  flowcheck certify --flow=sim --seeds=1..1000 --shard=1/2 --format=json --output=a.json
  flowcheck certify --flow=sim --seeds=1..1000 --shard=2/2 --format=json --output=b.json
  flowcheck merge a.json b.json

flags (a value follows '=' or comes next: --format json):
  --format=F      table (default), markdown, json, junit or html
  --output=PATH   write the merged certificate to PATH (replaced
                  atomically) instead of stdout
  -h, --help      this text

A seed in two certificates (a shard given twice), certificates of
different flows, and a file that is not a flowcheck certificate are
refused, naming the file, and nothing is written.

exit status: 0 the merged certificate passes, 1 it fails, 2 bad usage or
inputs that cannot be merged, 3 the report could not be written
)";

constexpr FlagSpec kFlags[] = {
    {"--format", true},
    {"--output", true},
    {"--help", false},
    {"-h", false},
};

int Usage(std::ostream& err, const std::string& message) {
  err << "flowcheck merge: " << message << "\n"
      << "Run 'flowcheck merge --help' for usage.\n";
  return kExitUsage;
}

}  // namespace

std::string_view MergeUsage() { return kUsage; }

int RunMerge(const std::vector<std::string_view>& args, std::ostream& out,
             std::ostream& err) {
  // Files are the arguments that are not flags nor a flag's next-argument
  // value.
  std::vector<std::string_view> flag_args;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.size() > 1 && arg[0] == '-') {
      flag_args.push_back(arg);
      const bool takes_next =
          (arg == "--format" || arg == "--output") && i + 1 < args.size();
      if (takes_next) flag_args.push_back(args[++i]);
    } else {
      files.emplace_back(arg);
    }
  }
  auto parsed = ParseFlags(flag_args, kFlags);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    return Usage(err, *error);
  }
  std::string format_name = "table";
  std::string output;
  for (const Flag& flag : std::get<std::vector<Flag>>(parsed)) {
    if (flag.name == "--help" || flag.name == "-h") {
      out << kUsage;
      return kExitPassed;
    }
    if (flag.name == "--format") format_name = flag.value;
    if (flag.name == "--output") output = flag.value;
  }
  const std::optional<conformance::ReportFormat> format =
      conformance::ParseReportFormat(format_name);
  if (!format) {
    return Usage(err, "unknown --format '" + format_name +
                          "'; the formats are table, markdown, json, junit "
                          "and html");
  }
  if (files.empty()) {
    return Usage(err, "no certificates given (flowcheck merge A.json B.json)");
  }
  const bool to_file = !output.empty() && output != "-";
  if (to_file) {
    if (auto refused = CheckOutputFile(output)) {
      return Usage(err, "--output: " + *refused);
    }
  }
  std::vector<conformance::Certificate> parts;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      err << "flowcheck merge: cannot read '" << file
          << "'; nothing was merged\n";
      return kExitUsage;
    }
    auto read = conformance::CertificateFromJson(text.str());
    if (auto* error = std::get_if<std::string>(&read)) {
      err << "flowcheck merge: '" << file
          << "' is not a flowcheck certificate in JSON (" << *error
          << "); nothing was merged\n";
      return kExitUsage;
    }
    parts.push_back(std::get<conformance::Certificate>(std::move(read)));
  }
  auto merged = conformance::MergeCertificates(parts);
  if (auto* error = std::get_if<std::string>(&merged)) {
    // Certificates are numbered in the order given: name the files.
    std::string named = *error;
    for (std::size_t i = files.size(); i-- > 0;) {
      const std::string number = "certificate " + std::to_string(i + 1);
      for (std::size_t at = named.find(number); at != std::string::npos;
           at = named.find(number, at + 1)) {
        const char after =
            at + number.size() < named.size() ? named[at + number.size()] : ' ';
        if (after >= '0' && after <= '9') continue;  // "certificate 12"
        named.replace(at, number.size(), "'" + files[i] + "'");
      }
    }
    err << "flowcheck merge: " << named << "; nothing was merged\n";
    return kExitUsage;
  }
  const conformance::Certificate& certificate =
      std::get<conformance::Certificate>(merged);
  const std::string report = conformance::RenderReport(certificate, *format);
  const int verdict = certificate.passed() ? kExitPassed : kExitFailed;
  if (to_file) {
    if (auto error = WriteFileAtomically(output, report)) {
      err << "flowcheck merge: " << *error
          << "; the merged certificate is lost ("
          << (certificate.passed() ? "it passed" : "it failed") << ")\n";
      return kExitOutputError;
    }
    return verdict;
  }
  out << report;
  out.flush();
  if (!out) {
    err << "flowcheck merge: cannot write the merged certificate to stdout ("
        << (certificate.passed() ? "it passed" : "it failed") << ")\n";
    return kExitOutputError;
  }
  return verdict;
}

}  // namespace flowcheck::tools
