// A background job: queued by one app server, run by any, its result served
// by any. Its status is "queued", "running", "done" or "failed".
#ifndef RONGPING_DOMAIN_JOB_H_
#define RONGPING_DOMAIN_JOB_H_

#include <cstdint>
#include <string>

namespace rongping::domain {

struct Job {
  int64_t id = 0;
  std::string kind;
  int64_t owner_user_id = 0;
  std::string input;  // the kind's own format
  std::string status;
  int64_t attempts = 0;
  std::string error;        // when failed, in 中文
  std::string result_type;  // MIME type, when done
  std::string result_name;  // file name for downloads, when done
  std::string result;       // the bytes, when done and asked for
  std::string created_at;
  std::string finished_at;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_JOB_H_
