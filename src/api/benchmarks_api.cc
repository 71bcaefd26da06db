// Benchmark packs (全国同行业、同规模对标, campaign/benchmark_packs.h):
//   GET    /api/v1/benchmark-packs                   the loaded packs
//   PUT    /api/v1/benchmark-packs/{model}           load a pack (the body)
//   DELETE /api/v1/benchmark-packs/{model}           remove one
//   GET    /api/v1/rounds/{round}/benchmark-pack     export a round's pack
// Province and ministry admins only: a province admin manages its
// province's packs, the ministry the whole installation's; an export only of
// a round they administer.
#include <fmt/format.h>

#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "campaign/benchmark_packs.h"

namespace rongping::api {
namespace {

Json PackJson(const domain::LoadedBenchmarkPack& p) {
  return {{"model", p.model_id},
          {"province", p.province_code.empty() ? Json(nullptr) : Json(p.province_code)},
          {"model_version", p.model_version}, {"installation", p.installation},
          {"scope", p.scope},             {"round", p.round},                 {"round_title", p.round_title},
          {"as_of", p.as_of},             {"groups", p.groups},               {"loaded_at", p.loaded_at},
          {"loaded_by", p.loaded_by}};
}

Result<Principal> Admin(Context& c, const http::Request& req) {
  auto who = Authenticate(c, req);
  if (!who) return who;
  if (who->role != Role::kProvince && who->role != Role::kMinistry) {
    return Fail(Error::Forbidden("只有省级和部级管理员可以管理基准数据包"));
  }
  return who;
}

http::Response ListHandler(Context& c, http::Request& req) {
  auto who = Admin(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto packs = campaign::ListBenchmarkPacks(c.db, {&*who, ""});
  if (!packs) return ErrorToResponse(packs.error());
  Json items = Json::array();
  for (const auto& p : *packs) items.push_back(PackJson(p));
  return JsonResponse({{"items", std::move(items)}});
}

http::Response PutHandler(Context& c, http::Request& req) {
  auto who = Admin(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto loaded =
      campaign::LoadBenchmarkPack(c.db, {&*who, ""}, req.body, req.path_params["model"], c.options.min_group_size,
                                  c.clock);
  if (!loaded) return ErrorToResponse(loaded.error());
  return JsonResponse(PackJson(*loaded));
}

http::Response DeleteHandler(Context& c, http::Request& req) {
  auto who = Admin(c, req);
  if (!who) return ErrorToResponse(who.error());
  if (auto r = campaign::RemoveBenchmarkPack(c.db, {&*who, ""}, req.path_params["model"]); !r) {
    return ErrorToResponse(r.error());
  }
  return JsonResponse({{"removed", req.path_params["model"]}});
}

http::Response ExportHandler(Context& c, http::Request& req) {
  auto who = Admin(c, req);
  if (!who) return ErrorToResponse(who.error());
  auto k = IntQuery(req, "min_group_size", c.options.min_group_size, c.options.min_group_size, 1000);
  if (!k) return ErrorToResponse(k.error());
  auto model = req.query.find("model");
  auto pack = campaign::ExportBenchmarkPack(c.db, c.results, {&*who, ""}, req.path_params["round"],
                                            model == req.query.end() ? "" : model->second, *k, "", c.clock);
  if (!pack) return ErrorToResponse(pack.error());
  http::Response r;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(pack->json);
  r.SetHeader("Content-Disposition", AttachmentDisposition(pack->ascii_file_name, pack->file_name));
  return r;
}

}  // namespace

void RegisterBenchmarkRoutes(http::Router& router, Context& c) {
  auto bind = [&c](http::Response (*f)(Context&, http::Request&)) {
    return [&c, f](http::Request& r) { return f(c, r); };
  };
  router.Add("GET", "/api/v1/benchmark-packs", ProvinceAdmins(), bind(ListHandler));
  router.Add("PUT", "/api/v1/benchmark-packs/{model}", ProvinceAdmins(), bind(PutHandler));
  router.Add("DELETE", "/api/v1/benchmark-packs/{model}", ProvinceAdmins(), bind(DeleteHandler));
  router.Add("GET", "/api/v1/rounds/{round}/benchmark-pack", ProvinceAdmins(), bind(ExportHandler));
}

}  // namespace rongping::api
