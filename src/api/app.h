// Registers every HTTP route of the application on a router.
#ifndef RONGPING_API_APP_H_
#define RONGPING_API_APP_H_

#include <string_view>

#include "api/context.h"
#include "http/router.h"

namespace rongping {
// The OpenAPI 3 document served at /api/v1/openapi.json (docs/openapi.json).
extern const std::string_view kOpenApiJson;
}  // namespace rongping

namespace rongping::api {

// Adds /healthz, the /api/v1 routes and the web app fallback. `context`
// must outlive the router.
void RegisterRoutes(http::Router& router, Context& context);

// Per-resource registration, one file each.
void RegisterSessionRoutes(http::Router& router, Context& context);
void RegisterEnterpriseRoutes(http::Router& router, Context& context);
void RegisterAdminRoutes(http::Router& router, Context& context);
void RegisterCampaignRoutes(http::Router& router, Context& context);
void RegisterGrantRoutes(http::Router& router, Context& context);
void RegisterContactRoutes(http::Router& router, Context& context);
void RegisterDataMapRoutes(http::Router& router, Context& context);
void RegisterDiagnosisRoutes(http::Router& router, Context& context);
void RegisterCircularRoutes(http::Router& router, Context& context);
void RegisterSelectionRoutes(http::Router& router, Context& context);
void RegisterSupportRoutes(http::Router& router, Context& context);
void RegisterReportRoutes(http::Router& router, Context& context);
void RegisterOutstandingRoutes(http::Router& router, Context& context);
void RegisterReminderRoutes(http::Router& router, Context& context);
void RegisterAccountRoutes(http::Router& router, Context& context);
void RegisterRegistrationRoutes(http::Router& router, Context& context);
void RegisterJobRoutes(http::Router& router, Context& context);
void RegisterModelRoutes(http::Router& router, Context& context);
void RegisterBenchmarkRoutes(http::Router& router, Context& context);

}  // namespace rongping::api

#endif  // RONGPING_API_APP_H_
