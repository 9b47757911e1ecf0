#include "conformance/driver_subject.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <coroutine>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "conformance/driver_protocol.h"
#include "conformance/isolate.h"
#include "flows/asio_runtime.h"
#include "flows/child_process.h"
#include "flows/line_pipe.h"
#include "flows/stream_flow.h"
#include "sim/units.h"

namespace flowcheck::conformance {
namespace {

using driver::Call;
using driver::Reply;
using driver::Request;
using Clock = std::chrono::steady_clock;

// Reads one line from `fd` before the runtime runs (the handshake), a byte
// at a time so that nothing after the line is consumed. Returns the line,
// or an error sentence.
std::variant<std::string, std::string> ReadLineBlocking(int fd,
                                                        Duration timeout,
                                                        std::size_t max_bytes,
                                                        const char* what) {
  const auto deadline = Clock::now() + timeout;
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      return std::variant<std::string, std::string>(
          std::in_place_index<1>,
          "did not send " + std::string(what) + " within " +
              sim::FormatDuration(timeout.count()) +
              (line.empty() ? std::string()
                            : " (it sent " + driver::Quote(line) +
                                  " and no end of line)"));
    }
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return std::variant<std::string, std::string>(
          std::in_place_index<1>,
          "closed its stdout before sending " + std::string(what) +
              (line.empty() ? std::string()
                            : " (it sent " + driver::Quote(line) + ")"));
    }
    if (c == '\n')
      return std::variant<std::string, std::string>(std::in_place_index<0>,
                                                    std::move(line));
    line += c;
    if (line.size() > max_bytes) {
      return std::variant<std::string, std::string>(
          std::in_place_index<1>, "sent a line longer than " +
                                      std::to_string(max_bytes) +
                                      " bytes instead of " + what);
    }
  }
}

// Writes all of `text` to `fd` (blocking, bounded by `timeout`); false on
// failure.
bool WriteBlocking(int fd, const std::string& text, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  std::size_t done = 0;
  while (done < text.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Starts the driver and reads its hello. On failure, an error sentence
// beginning "the driver `COMMAND` ...".
std::variant<std::unique_ptr<flows::ChildProcess>, std::string> StartDriver(
    const DriverOptions& options, driver::Hello* hello) {
  const std::string who = "the driver `" + options.command + "`";
  flows::IgnoreSigpipe();  // a driver that died is an error, not a signal
  auto started =
      flows::ChildProcess::Start(options.command, options.working_directory);
  if (auto* error = std::get_if<std::string>(&started)) {
    return who + " could not be started: " + *error;
  }
  auto process = std::move(std::get<0>(started));
  auto line = ReadLineBlocking(process->stdout_fd(), options.reply_timeout,
                               options.max_line_bytes, "its hello");
  if (line.index() == 1) {
    process->WaitForExit(std::chrono::milliseconds(100));
    std::string status = process->Status();
    return who + " " + std::get<1>(line) + " (" + status + ")" +
           process->StderrNote();
  }
  auto parsed = driver::ParseHello(std::get<0>(line));
  if (auto* error = std::get_if<std::string>(&parsed)) {
    return who + ": " + *error + process->StderrNote();
  }
  *hello = std::get<driver::Hello>(parsed);
  return process;
}

// One request that has not been answered yet.
struct Pending {
  Call call = Call::kRead;
  std::string what;  // "A read"
  std::optional<Reply> reply;
  std::shared_ptr<flows::ParkedCoroutine> waiter;
};

// One driver process serving one connected pair.
class DriverSession : public flows::IoObject,
                      public std::enable_shared_from_this<DriverSession> {
 public:
  DriverSession(flows::AsioRuntime& runtime,
                std::unique_ptr<flows::ChildProcess> process,
                DriverOptions options, std::int64_t case_id)
      : runtime_(runtime),
        process_(std::move(process)),
        options_(std::move(options)),
        case_id_(case_id),
        raw_stdin_(::dup(process_->stdin_fd())),
        reader_(runtime, process_->ReleaseStdout(), options_.max_line_bytes),
        writer_(runtime, process_->ReleaseStdin()) {
    registration_ = runtime_.Register(this);
  }

  ~DriverSession() override {
    runtime_.Unregister(registration_);
    reader_.Stop();
    // `end`, unless a request is half written (the driver then only sees
    // the end of its stdin).
    if (writer_.queued_bytes() == 0 && !failure_ && raw_stdin_ >= 0) {
      Request end;
      end.call = Call::kEnd;
      end.case_id = case_id_;
      WriteBlocking(raw_stdin_, driver::EncodeRequest(end) + "\n",
                    std::chrono::milliseconds(200));
    }
    writer_.Close();
    if (raw_stdin_ >= 0) ::close(raw_stdin_);
    process_->WaitForExit(std::chrono::milliseconds(300));
    process_->Kill();
  }

  void Begin() {
    std::weak_ptr<DriverSession> self = weak_from_this();
    reader_.Start(
        [self](std::string line) {
          if (auto session = self.lock()) session->OnLine(line);
        },
        [self](std::string why) {
          if (auto session = self.lock()) session->OnEnd(why);
        });
  }

  // Sends an operation; returns its op id. After a failure nothing is sent
  // and the op fails at once.
  std::int64_t Send(Request request, std::string what) {
    const std::int64_t op = next_op_++;
    request.op = op;
    Pending pending;
    pending.call = request.call;
    pending.what = std::move(what);
    pending_.emplace(op, std::move(pending));
    if (!failure_ && !aborted_) writer_.Send(driver::EncodeRequest(request));
    return op;
  }

  bool Ready(std::int64_t op) const {
    if (failure_ || aborted_) return true;
    const auto it = pending_.find(op);
    return it == pending_.end() || it->second.reply.has_value();
  }

  void Park(std::int64_t op, std::coroutine_handle<> handle) {
    Pending& pending = pending_.at(op);
    pending.waiter =
        runtime_.Park(handle, "driver op " + std::to_string(op) + " (" +
                                  pending.what + "): no answer yet");
  }

  // The answer to `op`, or nullopt if the session failed or was aborted
  // (see FailureError). Forgets `op`.
  std::optional<Reply> Take(std::int64_t op) {
    const auto it = pending_.find(op);
    if (it == pending_.end()) return std::nullopt;
    std::optional<Reply> reply = std::move(it->second.reply);
    pending_.erase(it);
    answered_.insert(op);
    return reply;
  }

  // The awaiting task was destroyed: a late answer is not an error.
  void Abandon(std::int64_t op) {
    const auto it = pending_.find(op);
    if (it == pending_.end()) return;
    if (it->second.waiter) it->second.waiter->Abandon();
    pending_.erase(it);
    abandoned_.insert(op);
  }

  Error FailureError() const {
    if (aborted_) return *aborted_;
    return Error(ErrorCode::kOther, "the driver failed (see the crash line): " +
                                        failure_.value_or("?"));
  }

  // Resets the connection: the answer is not awaited.
  void Reset() {
    Request request;
    request.call = Call::kReset;
    const std::int64_t op = Send(request, "reset");
    fire_and_forget_.insert(op);
  }

  const std::optional<std::string>& failure() const { return failure_; }

  // What the driver wrote to stderr so far, labelled, or "".
  std::string StderrLog() const {
    const std::string lines = process_->StderrLines("  ");
    return lines.empty() ? "" : "the driver's stderr:\n" + lines;
  }

  // IoObject.
  std::vector<std::string> PendingOperations() const override {
    std::vector<std::string> out;
    for (const auto& [op, pending] : pending_) {
      if (pending.reply) continue;
      out.push_back("driver op " + std::to_string(op) + " (" + pending.what +
                    "): no answer yet");
    }
    return out;
  }

  void Abort(const Error& why) override {
    if (aborted_) return;
    aborted_ = why;
    WakeAll();
  }

 private:
  void OnLine(const std::string& line) {
    ++line_number_;
    if (failure_) return;
    auto parsed = driver::ParseReply(line);
    if (auto* error = std::get_if<std::string>(&parsed)) {
      Fail("wrote line " + std::to_string(line_number_) +
           ", which is not the protocol: " + *error);
      return;
    }
    Reply reply = std::move(std::get<Reply>(parsed));
    if (reply.case_id) {
      if (*reply.case_id != case_id_) {
        Fail("answered case " + std::to_string(*reply.case_id) +
             ", which is not the running case " + std::to_string(case_id_) +
             ": " + driver::Quote(line));
      }
      return;  // an end acknowledged early, or a start twice: harmless
    }
    const std::int64_t op = *reply.op;
    if (abandoned_.erase(op) > 0) return;
    if (fire_and_forget_.erase(op) > 0) {
      pending_.erase(op);
      if (reply.result != "ok") {
        Fail("answered the reset (op " + std::to_string(op) + ") with " +
             driver::Quote(line) + "; a reset is answered \"ok\"");
      }
      return;
    }
    const auto it = pending_.find(op);
    if (it == pending_.end() || it->second.reply) {
      const bool twice =
          answered_.count(op) > 0 || (it != pending_.end() && it->second.reply);
      Fail(twice ? "answered op " + std::to_string(op) +
                       " twice; the second answer: " + driver::Quote(line)
                 : "answered op " + std::to_string(op) +
                       ", which it was never sent: " + driver::Quote(line));
      return;
    }
    Pending& pending = it->second;
    if (!Fits(pending.call, reply.result)) {
      Fail("answered op " + std::to_string(op) + " (" + pending.what +
           ") with result \"" + reply.result + "\", which a " +
           std::string(driver::CallName(pending.call)) +
           " cannot return: " + driver::Quote(line));
      return;
    }
    pending.reply = std::move(reply);
    if (pending.waiter) runtime_.Wake(pending.waiter);
  }

  static bool Fits(Call call, const std::string& result) {
    switch (call) {
      case Call::kRead:
        return result == "data" || result == "eof" || result == "error";
      case Call::kWrite:
      case Call::kWritev:
        return result == "ok" || result == "closed" || result == "error";
      case Call::kClose:
        // The contract's close has no result: an error still means it
        // returned (a language's close may raise after the bytes went out).
        return result == "ok" || result == "error";
      case Call::kReset:
        return result == "ok";
      case Call::kStart:
      case Call::kEnd:
        return false;
    }
    return false;
  }

  void OnEnd(const std::string& why) {
    if (failure_ || aborted_) return;
    process_->WaitForExit(std::chrono::milliseconds(200));
    Fail("stopped answering: its stdout ended (" + why + "; the driver " +
         process_->Status() + ")");
  }

  void Fail(std::string why) {
    if (failure_) return;
    failure_ =
        "the driver `" + options_.command + "` " + why + process_->StderrNote();
    reader_.Stop();
    WakeAll();
  }

  void WakeAll() {
    for (auto& [op, pending] : pending_) {
      if (pending.waiter) runtime_.Wake(pending.waiter);
    }
  }

  flows::AsioRuntime& runtime_;
  std::unique_ptr<flows::ChildProcess> process_;
  DriverOptions options_;
  std::int64_t case_id_;
  int raw_stdin_;
  flows::LineReader reader_;
  flows::LineWriter writer_;
  std::uint64_t registration_ = 0;
  std::int64_t next_op_ = 1;
  std::size_t line_number_ = 2;  // the hello and the start answer came first
  std::map<std::int64_t, Pending> pending_;
  std::set<std::int64_t> answered_;
  std::set<std::int64_t> abandoned_;
  std::set<std::int64_t> fire_and_forget_;
  std::optional<std::string> failure_;
  std::optional<Error> aborted_;
};

// Suspends until the driver answers `op` (or the session fails).
class ReplyAwaiter {
 public:
  ReplyAwaiter(std::shared_ptr<DriverSession> session, std::int64_t op)
      : session_(std::move(session)), op_(op) {}
  ReplyAwaiter(const ReplyAwaiter&) = delete;
  ReplyAwaiter& operator=(const ReplyAwaiter&) = delete;
  ~ReplyAwaiter() {
    if (!taken_) session_->Abandon(op_);
  }

  bool await_ready() const { return session_->Ready(op_); }
  void await_suspend(std::coroutine_handle<> handle) {
    session_->Park(op_, handle);
  }
  std::optional<Reply> await_resume() {
    taken_ = true;
    return session_->Take(op_);
  }

 private:
  std::shared_ptr<DriverSession> session_;
  std::int64_t op_;
  bool taken_ = false;
};

Error ErrorOf(const Reply& reply) {
  return Error(reply.code.value_or(ErrorCode::kOther), reply.description);
}

// One endpoint whose every operation is a request to the driver.
class DriverFlow : public Flow {
 public:
  DriverFlow(std::shared_ptr<DriverSession> session, char side)
      : session_(std::move(session)), side_(side) {}

  Task<ReadResult> read() override {
    std::shared_ptr<DriverSession> session = session_;
    const std::int64_t op =
        session->Send(RequestFor(Call::kRead), Name("read"));
    std::optional<Reply> reply = co_await ReplyAwaiter(session, op);
    if (!reply) co_return ReadResult::Failure(session->FailureError());
    if (reply->result == "data") {
      co_return ReadResult::Data(Buffer::FromString(std::move(reply->bytes)));
    }
    if (reply->result == "eof") co_return ReadResult::Eof();
    co_return ReadResult::Failure(ErrorOf(*reply));
  }

  Task<WriteResult> write(Buffer buffer) override {
    std::vector<Buffer> parts;
    parts.push_back(std::move(buffer));
    return Send(Call::kWrite, std::move(parts));
  }

  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    return Send(Call::kWritev, std::move(buffers));
  }

  Task<void> close() override {
    std::shared_ptr<DriverSession> session = session_;
    const std::int64_t op =
        session->Send(RequestFor(Call::kClose), Name("close"));
    co_await ReplyAwaiter(session, op);
  }

 private:
  std::string Name(const char* call) const {
    return std::string(1, side_) + " " + call;
  }

  // A request for `call` on this endpoint (op numbered by Send).
  Request RequestFor(Call call) const {
    Request request;
    request.call = call;
    request.side = side_;
    return request;
  }

  Task<WriteResult> Send(Call call, std::vector<Buffer> buffers) {
    std::shared_ptr<DriverSession> session = session_;
    Request request = RequestFor(call);
    std::size_t total = 0;
    for (const Buffer& buffer : buffers) {
      request.parts.push_back(buffer.ToString());
      total += buffer.size();
    }
    const std::int64_t op = session->Send(
        std::move(request), Name(call == Call::kWrite ? "write" : "writev") +
                                " of " + std::to_string(total) + " bytes");
    std::optional<Reply> reply = co_await ReplyAwaiter(session, op);
    if (!reply) co_return WriteResult::Failure(session->FailureError());
    if (reply->result == "ok") co_return WriteResult::Ok();
    if (reply->result == "closed") co_return WriteResult::Closed();
    co_return WriteResult::Failure(ErrorOf(*reply));
  }

  std::shared_ptr<DriverSession> session_;
  char side_;
};

Subject MakeDriverSubject(const DriverOptions& options, std::uint64_t seed) {
  static std::int64_t next_case = 1;
  const std::int64_t case_id = next_case++;
  driver::Hello hello;
  auto started = StartDriver(options, &hello);
  if (auto* error = std::get_if<std::string>(&started)) {
    throw CaseAbandoned(*error);
  }
  auto process = std::move(std::get<0>(started));
  Request start;
  start.call = Call::kStart;
  start.case_id = case_id;
  start.seed = seed;
  const std::string who = "the driver `" + options.command + "`";
  if (!WriteBlocking(process->stdin_fd(), driver::EncodeRequest(start) + "\n",
                     options.reply_timeout)) {
    process->WaitForExit(std::chrono::milliseconds(100));
    throw CaseAbandoned(who + " did not read its start request (" +
                        process->Status() + ")" + process->StderrNote());
  }
  auto line = ReadLineBlocking(process->stdout_fd(), options.reply_timeout,
                               options.max_line_bytes, "its answer to start");
  if (line.index() == 1) {
    process->WaitForExit(std::chrono::milliseconds(100));
    throw CaseAbandoned(who + " " + std::get<1>(line) + " (" +
                        process->Status() + ")" + process->StderrNote());
  }
  auto reply = driver::ParseReply(std::get<0>(line));
  if (auto* error = std::get_if<std::string>(&reply)) {
    throw CaseAbandoned(who + " answered start with a line that is not the " +
                        "protocol: " + *error + process->StderrNote());
  }
  const Reply& ack = std::get<Reply>(reply);
  if (ack.case_id != case_id || ack.result != "ok") {
    throw CaseAbandoned(
        who + " did not start case " + std::to_string(case_id) + ": " +
        driver::Quote(std::get<0>(line)) +
        (ack.description.empty() ? "" : " (" + ack.description + ")") +
        process->StderrNote());
  }
  auto runtime = std::make_unique<flows::AsioRuntime>();
  auto session = std::make_shared<DriverSession>(*runtime, std::move(process),
                                                 options, case_id);
  session->Begin();
  Subject subject(std::move(runtime),
                  std::make_unique<DriverFlow>(session, 'A'),
                  std::make_unique<DriverFlow>(session, 'B'));
  subject.world_failure = [session] { return session->failure(); };
  subject.world_log = [session] { return session->StderrLog(); };
  if (hello.can_reset) {
    subject.inject_reset = [session, faults = subject.faults] {
      faults->ReportReset("the driver reset the connection",
                          "the driver reset the connection");
      session->Reset();
    };
  }
  return subject;
}

}  // namespace

std::variant<FlowUnderTest, std::string> DriverFlowUnderTest(
    const DriverOptions& options) {
  if (options.command.empty())
    return std::string("the driver command is empty");
  driver::Hello hello;
  auto started = StartDriver(options, &hello);
  if (auto* error = std::get_if<std::string>(&started)) return *error;
  std::get<0>(started)->CloseStdin();
  std::get<0>(started)->WaitForExit(std::chrono::milliseconds(300));
  FlowUnderTest flow;
  flow.name = hello.name;
  flow.description =
      (hello.description.empty() ? hello.name : hello.description) +
      " (through the driver `" + options.command + "`)";
  flow.capabilities.inject_reset = hello.can_reset;
  flow.capabilities.shares_buffers = false;
  flow.make = [options](std::uint64_t seed) {
    return MakeDriverSubject(options, seed);
  };
  return flow;
}

}  // namespace flowcheck::conformance
