// PDF rendering of the report pages with headless Chromium.
//
// The pages (see circular_html.h, diagnosis_html.h) carry their own print
// CSS (@page size A4 and margins); Chromium prints them as that CSS says,
// with backgrounds and without its own header and footer. Each call runs one
// browser process in a private temporary directory, which is removed again
// on every path, so calls are independent and may run concurrently from
// worker threads.
#ifndef RONGPING_REPORT_PDF_H_
#define RONGPING_REPORT_PDF_H_

#include <stop_token>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping::report {

struct PdfOptions {
  std::string chromium = "/usr/bin/chromium";  // the browser binary
  int timeout_seconds = 60;                    // then the browser is killed
};

// Renders the self-contained HTML page `html` (UTF-8) to PDF and returns the
// PDF bytes (they start with "%PDF-"). The page must not need anything
// outside itself: it is loaded from a file in an otherwise empty directory.
//
// The browser runs in its own process group with HOME and its profile in the
// temporary directory; when it does not finish within
// options.timeout_seconds the whole group is killed, and when it finishes
// any helpers it left behind are killed too. Blocks the calling thread for
// the duration (typically one to a few seconds). When `stop` is requested
// meanwhile (the server is stopping), the group is killed within about 20 ms
// and the call fails.
//
// Fails with kUnavailable when the browser is missing or not executable,
// cannot be started, exits with a non-zero status or a signal, times out, or
// writes no PDF, or is stopped; the message (简体中文) says which, followed by the last lines
// of the browser's output (at most 500 bytes) when there are any.
Result<std::string> RenderPdf(std::string_view html, const PdfOptions& options = {},
                              std::stop_token stop = {});

}  // namespace rongping::report

#endif  // RONGPING_REPORT_PDF_H_
