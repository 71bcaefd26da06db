#include "demo/population.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/random.h"
#include "core/size_class.h"
#include "core/uscc.h"
#include "domain/unit_code.h"

namespace rongping::demo {
namespace {

// ---------------------------------------------------------------------------
// Randomness. Everything below uses only this generator and basic IEEE
// arithmetic (+ - * /, sqrt, floor, ldexp), which are exactly specified, so a
// seed yields the same population everywhere. The one approximation, PortableExp(), is
// our own polynomial; the values it feeds are rounded to integers or to 0.1
// before use, so even a last-bit difference from floating-point contraction on
// some compiler would almost never show.
// ---------------------------------------------------------------------------


// Index drawn with probability proportional to weights[i] (all >= 0).
template <typename Weights>
size_t PickWeighted(Rng& rng, const Weights& weights) {
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) return rng.Below(std::size(weights));
  double u = rng.Uniform() * total;
  size_t i = 0;
  for (double w : weights) {
    if (u < w) return i;
    u -= w;
    ++i;
  }
  // Rounding left u just above the last weight: take the last positive one.
  for (size_t j = std::size(weights); j-- > 0;) {
    if (weights[j] > 0) return j;
  }
  return 0;
}

// Index into a cumulative weight table.
size_t PickCumulative(Rng& rng, const std::vector<double>& cumulative) {
  const double u = rng.Uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  if (it == cumulative.end()) --it;
  return static_cast<size_t>(it - cumulative.begin());
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "39*3 40*1.5" -> {{"39", 3}, {"40", 1.5}}. Parsed by hand (no locale).
std::vector<std::pair<std::string_view, double>> ParseFactors(std::string_view spec) {
  std::vector<std::pair<std::string_view, double>> out;
  for (std::string_view item : Split(spec, ' ')) {
    size_t star = item.find('*');
    if (star == std::string_view::npos) continue;
    double value = 0, scale = 0;
    for (char c : item.substr(star + 1)) {
      if (c == '.') {
        scale = 1;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        scale *= 10;
      }
    }
    if (scale > 0) value /= scale;
    out.emplace_back(item.substr(0, star), value);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Industry profiles (GB/T 4754-2017 divisions).
// ---------------------------------------------------------------------------

struct IndustryProfile {
  std::string_view code;
  double weight;                // base share in a Guangdong-like mix, %
  std::string_view words;       // industry words for names, '|'-separated
  std::array<double, 4> types;  // discrete_mass, discrete_small_batch, process, mixed
  double revenue_factor;        // revenue scale against the manufacturing average
  double large_factor;          // propensity to large (and, damped, medium) size
  double state_factor;          // propensity to state ownership
};

constexpr std::array<std::string_view, 4> kProductionTypes = {
    "discrete_mass", "discrete_small_batch", "process", "mixed"};

// Base weights are rough shares of Guangdong's above-scale industrial enterprises.
constexpr IndustryProfile kProfiles[] = {
    {"06", 0.05, "煤业|矿业", {0, .1, .7, .2}, 1.5, 3, 6},
    {"07", 0.05, "石油|油气", {0, .05, .85, .1}, 3, 5, 10},
    {"08", 0.2, "矿业|铁矿", {0, .1, .7, .2}, 1, 1, 3},
    {"09", 0.2, "矿业|有色矿业", {0, .1, .7, .2}, 1, 1.5, 4},
    {"10", 0.4, "矿业|石材|石业", {.05, .15, .6, .2}, .8, .5, 2},
    {"11", 0.05, "矿业技术|矿山工程", {0, .3, .4, .3}, 1, 1, 3},
    {"12", 0.05, "矿业", {0, .1, .7, .2}, 1, 1, 2},
    {"13", 2.2, "农产品|饲料|食品|粮油", {.1, .05, .75, .1}, 1.3, 1, 1.5},
    {"14", 2.0, "食品|调味食品|食品科技", {.25, .05, .55, .15}, 1, 1, 1},
    {"15", 1.2, "饮料|酒业|茶业", {.15, 0, .75, .1}, 1, 1, 1.5},
    {"16", 0.05, "烟草|卷烟", {.1, 0, .8, .1}, 3, 5, 20},
    {"17", 3.0, "纺织|织造|印染", {.3, .1, .45, .15}, .9, .7, 1},
    {"18", 4.0, "服饰|制衣|服装", {.5, .35, 0, .15}, .8, .6, .5},
    {"19", 3.0, "鞋业|皮具|皮革", {.55, .3, .05, .1}, .8, .6, .5},
    {"20", 0.8, "木业|竹木制品", {.4, .3, .15, .15}, .8, .5, 1},
    {"21", 3.5, "家具|家居", {.45, .4, 0, .15}, .8, .6, .5},
    {"22", 2.5, "纸业|包装|纸品", {.15, .1, .65, .1}, 1, .8, 1},
    {"23", 2.5, "印刷|彩印|包装印刷", {.3, .5, .05, .15}, .8, .5, 1.5},
    {"24", 4.0, "玩具|文具|工艺品|体育用品", {.55, .3, 0, .15}, .8, .6, .5},
    {"25", 0.3, "石化|能源|石油化工", {0, 0, .9, .1}, 3, 4, 8},
    {"26", 5.0, "化工|新材料|涂料|化学", {.05, .05, .8, .1}, 1.3, 1.2, 1.5},
    {"27", 1.5, "药业|制药|生物科技", {.05, .1, .75, .1}, 1.2, 1.3, 2},
    {"28", 0.2, "化纤|化学纤维", {0, 0, .9, .1}, 1.5, 2, 2},
    {"29", 8.0, "塑胶制品|塑料制品|橡胶制品|塑胶", {.65, .1, .15, .1}, 1, .8, .7},
    {"30", 5.0, "陶瓷|建材|新型建材|玻璃|石材", {.2, .1, .6, .1}, 1, .9, 1.5},
    {"31", 0.6, "钢铁|金属材料|特钢", {0, .05, .85, .1}, 2, 3, 5},
    {"32", 1.5, "铝业|有色金属|铜业", {.05, .05, .8, .1}, 1.6, 1.5, 2},
    {"33", 8.0, "五金制品|金属制品|五金", {.6, .2, .1, .1}, 1, .8, .7},
    {"34", 5.0, "机械|精密机械|机电设备", {.25, .55, .05, .15}, 1, 1, 1.2},
    {"35", 4.0, "机械设备|智能装备|自动化设备", {.2, .6, .05, .15}, 1, 1, 1.2},
    {"36", 2.0, "汽车零部件|汽车部件|汽车配件", {.7, .15, .05, .1}, 1.4, 2.5, 2},
    {"37", 1.0, "船舶|摩托车|游艇", {.25, .6, 0, .15}, 1.2, 1.5, 3},
    {"38", 11.0, "电器|电气|照明|电机", {.65, .2, .05, .1}, 1.1, 1.2, .7},
    {"39", 14.0, "电子科技|电子|通信技术|智能科技", {.7, .15, .05, .1}, 1.2, 1.3, .6},
    {"40", 1.5, "仪器仪表|仪器|测控技术", {.2, .65, 0, .15}, 1, .8, 1},
    {"41", 1.2, "工艺制品|日用品", {.5, .35, 0, .15}, .8, .5, .5},
    {"42", 0.5, "再生资源|环保科技", {.15, .1, .5, .25}, 1, .8, 1.5},
    {"43", 0.3, "设备维修|机电工程", {.1, .6, 0, .3}, .8, .8, 2},
    {"44", 1.2, "电力|能源|热电", {0, 0, .9, .1}, 2, 2.5, 10},
    {"45", 0.3, "燃气|能源", {0, 0, .9, .1}, 1.5, 1.5, 8},
    {"46", 0.5, "水务|供水", {0, 0, .9, .1}, 1, 1.2, 12},
};

// A division not in the table above (a list from a later revision, say).
constexpr IndustryProfile kFallbackProfile = {"", 0.2, "工业|制造", {.4, .3, .2, .1}, 1, 1, 1};

const IndustryProfile& ProfileFor(std::string_view code) {
  for (const auto& p : kProfiles) {
    if (p.code == code) return p;
  }
  return kFallbackProfile;
}

// Industry mix modifiers by group, then by unit code (multiplied together).
constexpr std::pair<std::string_view, std::string_view> kGroupFactors[] = {
    {"粤东", "39*0.6 38*0.8 17*1.3 18*1.3 24*1.3"},
    {"粤西", "39*0.4 38*0.7 13*1.5 30*1.3 25*1.5 31*1.5"},
    {"粤北", "39*0.5 38*0.7 30*1.5 31*1.5 32*1.5 08*3 09*3 10*3 06*3 44*1.5"},
};

constexpr std::pair<std::string_view, std::string_view> kUnitFactors[] = {
    {"440100", "36*3 26*1.3 27*1.5 14*1.3 23*1.2 18*1.3 39*0.8"},                       // 广州
    {"440300", "39*3 40*1.5 38*1.2 13*0.4 14*0.5 17*0.4 30*0.4 31*0.1 25*0.1 44*0.5"},  // 深圳
    {"440400", "39*1.6 38*1.5 27*1.3 35*1.2"},                                          // 珠海
    {"440500", "24*3 17*1.8 18*1.8 29*1.3 22*1.3"},                                     // 汕头
    {"440600", "38*1.6 33*1.6 30*1.5 35*1.3 21*1.3 32*1.5 39*0.7"},                     // 佛山
    {"440606", "38*2.5 21*2 34*1.3 33*1.2 39*0.6"},                                     // 顺德
    {"440200", "31*4 32*3 09*2 08*2 30*1.2 44*1.5"},                                    // 韶关
    {"441600", "39*2 15*2 30*1.3 10*1.5"},                                              // 河源
    {"441400", "39*2 30*1.5 15*1.5 10*1.5 44*1.5"},                                     // 梅州
    {"441300", "39*2.5 26*1.3 25*5 28*2"},                                              // 惠州
    {"441500", "39*1.2 13*1.5 17*1.3 44*2"},                                            // 汕尾
    {"441900", "39*2.2 19*1.5 24*1.5 29*1.3 21*1.3 18*1.3 22*1.2"},                     // 东莞
    {"442000", "38*1.8 24*1.3 21*1.3 33*1.2 18*1.2"},                                   // 中山
    {"440700", "33*1.5 38*1.3 37*2 22*1.3"},                                            // 江门
    {"441700", "33*3 31*3 13*1.3"},                                                     // 阳江
    {"440800", "25*10 31*8 13*2 14*1.3 15*1.3 21*1.3 22*1.5"},                          // 湛江
    {"440900", "25*15 26*2 31*3 13*1.8 30*1.2"},                                        // 茂名
    {"441200", "32*2.5 30*1.5 26*1.3 20*1.5"},                                          // 肇庆
    {"441800", "30*2.5 32*2 26*1.3 27*1.3"},                                            // 清远
    {"445100", "30*3.5 13*1.5 14*1.5 22*1.5 18*1.3"},                                   // 潮州
    {"445200", "33*2 18*1.5 19*1.5 29*1.5 26*1.3 25*2"},                                // 揭阳
    {"445300", "30*5 26*1.3 39*0.6"},                                                   // 云浮
};

// ---------------------------------------------------------------------------
// Places.
// ---------------------------------------------------------------------------

struct Province {
  std::string_view prefix;  // first two digits of the division code
  std::string_view name;
  std::string_view short_name;
};

constexpr Province kProvinces[] = {
    {"11", "北京市", "北京"},           {"12", "天津市", "天津"},
    {"13", "河北省", "河北"},           {"14", "山西省", "山西"},
    {"15", "内蒙古自治区", "内蒙古"},   {"21", "辽宁省", "辽宁"},
    {"22", "吉林省", "吉林"},           {"23", "黑龙江省", "黑龙江"},
    {"31", "上海市", "上海"},           {"32", "江苏省", "江苏"},
    {"33", "浙江省", "浙江"},           {"34", "安徽省", "安徽"},
    {"35", "福建省", "福建"},           {"36", "江西省", "江西"},
    {"37", "山东省", "山东"},           {"41", "河南省", "河南"},
    {"42", "湖北省", "湖北"},           {"43", "湖南省", "湖南"},
    {"44", "广东省", "广东"},           {"45", "广西壮族自治区", "广西"},
    {"46", "海南省", "海南"},           {"50", "重庆市", "重庆"},
    {"51", "四川省", "四川"},           {"52", "贵州省", "贵州"},
    {"53", "云南省", "云南"},           {"54", "西藏自治区", "西藏"},
    {"61", "陕西省", "陕西"},           {"62", "甘肃省", "甘肃"},
    {"63", "青海省", "青海"},           {"64", "宁夏回族自治区", "宁夏"},
    {"65", "新疆维吾尔自治区", "新疆"},
};

// Districts (or, for cities without districts, towns) used in addresses.
constexpr std::pair<std::string_view, std::string_view> kAreas[] = {
    {"440100", "天河区|黄埔区|番禺区|白云区|花都区|增城区|南沙区|从化区"},
    {"440300", "宝安区|龙岗区|龙华区|南山区|光明区|坪山区|福田区"},
    {"440400", "香洲区|金湾区|斗门区"},
    {"440500", "澄海区|潮阳区|潮南区|龙湖区|金平区"},
    {"440600", "南海区|禅城区|三水区|高明区"},
    {"440606",
     "顺德区北滘镇|顺德区容桂街道|顺德区大良街道|顺德区伦教街道|顺德区勒流街道|顺德区陈村镇|"
     "顺德区乐从镇|顺德区龙江镇|顺德区杏坛镇|顺德区均安镇"},
    {"440200", "武江区|浈江区|曲江区|乐昌市|南雄市|仁化县"},
    {"441600", "源城区|东源县|和平县|龙川县"},
    {"441400", "梅江区|梅县区|兴宁市|蕉岭县|平远县"},
    {"441300", "惠城区|惠阳区|博罗县|惠东县|龙门县"},
    {"441500", "城区|海丰县|陆丰市|陆河县"},
    {"441900", "长安镇|虎门镇|厚街镇|常平镇|塘厦镇|松山湖|大朗镇|寮步镇|清溪镇|凤岗镇"},
    {"442000", "火炬开发区|小榄镇|古镇镇|南头镇|东凤镇|三乡镇|坦洲镇"},
    {"440700", "蓬江区|江海区|新会区|鹤山市|开平市|台山市|恩平市"},
    {"441700", "江城区|阳东区|阳春市|阳西县"},
    {"440800", "霞山区|赤坎区|麻章区|坡头区|廉江市|雷州市|吴川市|遂溪县"},
    {"440900", "茂南区|电白区|高州市|化州市|信宜市"},
    {"441200", "端州区|鼎湖区|高要区|四会市|广宁县"},
    {"441800", "清城区|清新区|英德市|佛冈县"},
    {"445100", "湘桥区|潮安区|饶平县"},
    {"445200", "榕城区|揭东区|普宁市|揭西县|惠来县"},
    {"445300", "云城区|云安区|罗定市|新兴县|郁南县"},
};

constexpr std::string_view kRoads =
    "工业大道|兴业路|创业路|科技路|环城路|建设路|人民路|东风路|发展大道|振兴路|迎宾大道|高新路|"
    "园区路|"
    "朝阳路|富民路|金龙路|宝龙路|科技园路|沿江路|滨海大道|开发大道|华兴路|长江路|工业一路|工业二路|"
    "工业三路|工业四路|新城大道|环镇路|中心路|腾飞路|创新路|兴华路|民营路|新兴路|港口路|环山路";

constexpr std::array<std::string_view, 8> kRoadSuffixes = {"路",   "大道", "街",   "中路",
                                                           "东路", "西路", "南路", "北路"};

// ---------------------------------------------------------------------------
// Names.
// ---------------------------------------------------------------------------

struct Syllable {
  std::string_view han;
  std::string_view pinyin;
};

// Characters for 字号 (trade names).
constexpr Syllable kBrandChars[] = {
    {"华", "hua"},   {"锐", "rui"},   {"达", "da"},     {"美", "mei"},   {"恒", "heng"},
    {"鑫", "xin"},   {"盛", "sheng"}, {"宏", "hong"},   {"伟", "wei"},   {"信", "xin"},
    {"德", "de"},    {"丰", "feng"},  {"泰", "tai"},    {"安", "an"},    {"康", "kang"},
    {"明", "ming"},  {"新", "xin"},   {"创", "chuang"}, {"佳", "jia"},   {"利", "li"},
    {"源", "yuan"},  {"通", "tong"},  {"力", "li"},     {"金", "jin"},   {"嘉", "jia"},
    {"豪", "hao"},   {"富", "fu"},    {"百", "bai"},    {"联", "lian"},  {"科", "ke"},
    {"瑞", "rui"},   {"祥", "xiang"}, {"永", "yong"},   {"昌", "chang"}, {"顺", "shun"},
    {"捷", "jie"},   {"讯", "xun"},   {"宇", "yu"},     {"博", "bo"},    {"腾", "teng"},
    {"远", "yuan"},  {"航", "hang"},  {"海", "hai"},    {"天", "tian"},  {"翔", "xiang"},
    {"中", "zhong"}, {"亚", "ya"},    {"东", "dong"},   {"南", "nan"},   {"兴", "xing"},
    {"隆", "long"},  {"发", "fa"},    {"旺", "wang"},   {"福", "fu"},    {"星", "xing"},
    {"辉", "hui"},   {"光", "guang"}, {"晶", "jing"},   {"润", "run"},   {"泽", "ze"},
    {"凯", "kai"},   {"迪", "di"},    {"欧", "ou"},     {"雅", "ya"},    {"诺", "nuo"},
    {"威", "wei"},   {"龙", "long"},  {"凤", "feng"},   {"麒", "qi"},    {"骏", "jun"},
    {"驰", "chi"},   {"诚", "cheng"}, {"立", "li"},     {"建", "jian"},  {"志", "zhi"},
    {"俊", "jun"},   {"卓", "zhuo"},  {"越", "yue"},    {"优", "you"},   {"品", "pin"},
    {"尚", "shang"}, {"致", "zhi"},   {"精", "jing"},   {"益", "yi"},    {"众", "zhong"},
    {"合", "he"},    {"和", "he"},    {"汇", "hui"},    {"聚", "ju"},    {"万", "wan"},
    {"千", "qian"},  {"宝", "bao"},   {"银", "yin"},    {"玉", "yu"},    {"翠", "cui"},
    {"荣", "rong"},  {"耀", "yao"},   {"长", "chang"},  {"升", "sheng"}, {"晟", "sheng"},
    {"昊", "hao"},   {"浩", "hao"},   {"峰", "feng"},   {"山", "shan"},  {"林", "lin"},
    {"森", "sen"},   {"川", "chuan"}, {"江", "jiang"},  {"湖", "hu"},    {"粤", "yue"},
    {"港", "gang"},  {"珠", "zhu"},   {"汉", "han"},    {"誉", "yu"},    {"迅", "xun"},
    {"飞", "fei"},   {"鹏", "peng"},  {"展", "zhan"},   {"拓", "tuo"},   {"领", "ling"},
    {"先", "xian"},  {"高", "gao"},   {"强", "qiang"},  {"坚", "jian"},  {"固", "gu"},
    {"铭", "ming"},  {"普", "pu"},    {"惠", "hui"},    {"奥", "ao"},    {"特", "te"},
    {"思", "si"},    {"维", "wei"},   {"艾", "ai"},     {"克", "ke"},    {"斯", "si"},
    {"莱", "lai"},   {"朗", "lang"},  {"智", "zhi"},    {"睿", "rui"},   {"慧", "hui"},
    {"景", "jing"},  {"泓", "hong"},  {"弘", "hong"},   {"鸿", "hong"},  {"运", "yun"},
    {"冠", "guan"},  {"群", "qun"},   {"鼎", "ding"},   {"正", "zheng"}, {"元", "yuan"},
    {"大", "da"},    {"宁", "ning"},  {"洋", "yang"},   {"阳", "yang"},  {"晖", "hui"},
    {"彩", "cai"},   {"虹", "hong"},  {"蓝", "lan"},    {"青", "qing"},  {"纳", "na"},
    {"贝", "bei"},   {"乐", "le"},    {"友", "you"},    {"协", "xie"},   {"同", "tong"},
    {"实", "shi"},   {"毅", "yi"},    {"宸", "chen"},   {"灿", "can"},   {"烨", "ye"},
    {"炜", "wei"},   {"钜", "ju"},    {"锦", "jin"},    {"佰", "bai"},   {"亿", "yi"},
    {"兆", "zhao"},  {"骅", "hua"},   {"雄", "xiong"},  {"标", "biao"},  {"祺", "qi"},
    {"禾", "he"},    {"启", "qi"},    {"赛", "sai"},    {"柏", "bai"},   {"杰", "jie"},
    {"浦", "pu"},    {"沃", "wo"},    {"菱", "ling"},   {"晨", "chen"},  {"曦", "xi"},
    {"逸", "yi"},    {"帆", "fan"},   {"舟", "zhou"},   {"丽", "li"},    {"琪", "qi"},
};

struct Surname {
  std::string_view han;
  std::string_view pinyin;
  double weight;
};

// Weighted towards Guangdong's commonest surnames.
constexpr Surname kSurnames[] = {
    {"陈", "chen", 10},     {"李", "li", 7},      {"黄", "huang", 7},   {"张", "zhang", 5},
    {"梁", "liang", 4},     {"林", "lin", 4},     {"刘", "liu", 4},     {"王", "wang", 4},
    {"吴", "wu", 3},        {"何", "he", 2.5},    {"罗", "luo", 2},     {"杨", "yang", 2},
    {"郑", "zheng", 2},     {"郭", "guo", 1.5},   {"周", "zhou", 1.5},  {"谢", "xie", 1.5},
    {"叶", "ye", 1.5},      {"邓", "deng", 1.5},  {"冯", "feng", 1},    {"蔡", "cai", 1.2},
    {"钟", "zhong", 1.2},   {"曾", "zeng", 1.2},  {"赵", "zhao", 1},    {"徐", "xu", 1},
    {"朱", "zhu", 1},       {"许", "xu", 1},      {"苏", "su", 1},      {"卢", "lu", 1},
    {"彭", "peng", .8},     {"潘", "pan", .8},    {"胡", "hu", .8},     {"麦", "mai", .6},
    {"温", "wen", .6},      {"莫", "mo", .6},     {"孙", "sun", .6},    {"马", "ma", .6},
    {"高", "gao", .6},      {"余", "yu", .6},     {"邱", "qiu", .6},    {"江", "jiang", .6},
    {"黎", "li", .6},       {"袁", "yuan", .5},   {"伍", "wu", .5},     {"唐", "tang", .5},
    {"关", "guan", .4},     {"方", "fang", .4},   {"庄", "zhuang", .4}, {"区", "ou", .3},
    {"欧阳", "ouyang", .3}, {"司徒", "situ", .2}, {"龚", "gong", .3},   {"杜", "du", .3},
    {"丘", "qiu", .3},      {"汤", "tang", .3},   {"魏", "wei", .3},    {"范", "fan", .3},
    {"严", "yan", .3},      {"姚", "yao", .3},    {"韦", "wei", .3},    {"植", "zhi", .2},
};

constexpr Syllable kGivenChars[] = {
    {"伟", "wei"},   {"芳", "fang"}, {"娜", "na"},   {"敏", "min"},  {"静", "jing"}, {"丽", "li"},
    {"强", "qiang"}, {"磊", "lei"},  {"军", "jun"},  {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
    {"杰", "jie"},   {"娟", "juan"}, {"涛", "tao"},  {"明", "ming"}, {"超", "chao"}, {"秀", "xiu"},
    {"霞", "xia"},   {"平", "ping"}, {"刚", "gang"}, {"桂", "gui"},  {"英", "ying"}, {"华", "hua"},
    {"文", "wen"},   {"辉", "hui"},  {"建", "jian"}, {"国", "guo"},  {"志", "zhi"},  {"海", "hai"},
    {"玲", "ling"},  {"燕", "yan"},  {"红", "hong"}, {"梅", "mei"},  {"兰", "lan"},  {"斌", "bin"},
    {"鹏", "peng"},  {"宇", "yu"},   {"浩", "hao"},  {"凯", "kai"},  {"健", "jian"}, {"俊", "jun"},
    {"峰", "feng"},  {"晨", "chen"}, {"欣", "xin"},  {"婷", "ting"}, {"雪", "xue"},  {"琳", "lin"},
    {"颖", "ying"},  {"倩", "qian"}, {"佳", "jia"},  {"嘉", "jia"},  {"思", "si"},   {"晓", "xiao"},
    {"冬", "dong"},  {"春", "chun"}, {"秋", "qiu"},  {"荣", "rong"}, {"锦", "jin"},  {"振", "zhen"},
    {"永", "yong"},  {"家", "jia"},  {"德", "de"},   {"耀", "yao"},  {"汉", "han"},  {"添", "tian"},
    {"彬", "bin"},   {"坤", "kun"},  {"丹", "dan"},  {"萍", "ping"}, {"慧", "hui"},  {"莉", "li"},
    {"婉", "wan"},   {"淑", "shu"},  {"金", "jin"},  {"宏", "hong"}, {"进", "jin"},  {"达", "da"},
    {"成", "cheng"}, {"龙", "long"}, {"立", "li"},   {"泽", "ze"},   {"子", "zi"},   {"雯", "wen"},
    {"诗", "shi"},   {"卓", "zhuo"}, {"铭", "ming"}, {"炜", "wei"},
};

// ---------------------------------------------------------------------------
// Sizes.
// ---------------------------------------------------------------------------

enum class SizeTarget { kLarge, kMedium, kSmallAboveScale, kBelowScale };

struct SizeParams {
  double employee_median, employee_sigma, employee_min, employee_max;
  double revenue_median, revenue_sigma, revenue_min, revenue_max;  // 万元
};

constexpr SizeParams kSizeParams[] = {
    {2400, .75, 1000, 200000, 160000, 1.0, 40000, 20000000},  // large
    {480, .5, 300, 5000, 15000, .9, 2000, 600000},            // medium
    {85, .75, 20, 299, 5200, .8, 2000, 150000},               // small, above scale
    {40, .8, 2, 800, 1000, .65, 20, 1999.9},                  // below scale
};

bool MeetsTarget(SizeTarget target, int64_t employees, double revenue) {
  switch (target) {
    case SizeTarget::kLarge:
      return ClassifySize(employees, revenue) == SizeClass::kLarge;
    case SizeTarget::kMedium:
      return ClassifySize(employees, revenue) == SizeClass::kMedium;
    case SizeTarget::kSmallAboveScale:
      return ClassifySize(employees, revenue) == SizeClass::kSmall && IsAboveScale(revenue);
    case SizeTarget::kBelowScale:
      return !IsAboveScale(revenue);
  }
  return false;
}

double RoundTenth(double x) { return std::floor(x * 10 + 0.5) / 10; }

// Employees and revenue for the target class: correlated log-normals (ρ = 0.6)
// truncated to the class and to plausible bounds by rejection.
std::pair<int64_t, double> DrawSize(Rng& rng, SizeTarget target, double revenue_factor) {
  const SizeParams& p = kSizeParams[static_cast<int>(target)];
  double revenue_median = p.revenue_median * revenue_factor;
  if (target == SizeTarget::kBelowScale)
    revenue_median = p.revenue_median * std::min(revenue_factor, 1.3);
  int64_t employees = 0;
  double revenue = 0;
  for (int attempt = 0; attempt < 40; ++attempt) {
    const double z1 = rng.Normal();
    const double z2 = rng.Normal();
    employees =
        static_cast<int64_t>(std::floor(p.employee_median * PortableExp(p.employee_sigma * z1) + 0.5));
    revenue = RoundTenth(revenue_median * PortableExp(p.revenue_sigma * (0.6 * z1 + 0.8 * z2)));
    if (employees >= p.employee_min && employees <= p.employee_max && revenue >= p.revenue_min &&
        revenue <= p.revenue_max && MeetsTarget(target, employees, revenue)) {
      return {employees, revenue};
    }
  }
  // Practically unreachable: force the last draw into the class.
  auto clamp_e = [&](double lo, double hi) {
    employees = std::clamp<int64_t>(employees, static_cast<int64_t>(lo), static_cast<int64_t>(hi));
  };
  switch (target) {
    case SizeTarget::kLarge:
      clamp_e(1000, p.employee_max);
      break;
    case SizeTarget::kMedium:
      clamp_e(300, 999);
      break;
    case SizeTarget::kSmallAboveScale:
      clamp_e(20, 299);
      break;
    case SizeTarget::kBelowScale:
      clamp_e(p.employee_min, p.employee_max);
      break;
  }
  revenue = std::clamp(revenue, p.revenue_min, p.revenue_max);
  return {employees, revenue};
}

// ---------------------------------------------------------------------------
// 统一社会信用代码.
// ---------------------------------------------------------------------------

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// GB 11714 organisation code check character over 8 body characters.
char OrgCodeCheck(std::string_view body) {
  static constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = body[i];
    const int v = (c >= '0' && c <= '9') ? c - '0' : c - 'A' + 10;
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

// Nine-character organisation code: newer registrations "MA" + 6 characters,
// older ones 8 digits, followed by the GB 11714 check character ('0'-'9' or
// 'X', all within the USCC alphabet).
std::string DrawOrgCode(Rng& rng, double new_style_share) {
  std::string body;
  body.reserve(9);
  if (rng.Chance(new_style_share)) {
    body = "MA";
    body.push_back(rng.Chance(0.7) ? '5' : '4');
    for (int i = 0; i < 5; ++i) body.push_back(kUsccAlphabet[rng.Below(kUsccAlphabet.size())]);
  } else {
    body.push_back(static_cast<char>('1' + rng.Below(7)));
    for (int i = 0; i < 7; ++i) body.push_back(static_cast<char>('0' + rng.Below(10)));
  }
  body.push_back(OrgCodeCheck(body));
  return body;
}

// ---------------------------------------------------------------------------
// Per-unit and per-industry context.
// ---------------------------------------------------------------------------

// The prefecture of a county-level unit's code (440606 -> 440600); empty
// for any other code.
std::string PrefectureOfDistrict(std::string_view code) {
  auto unit = domain::UnitCode::Parse(code);
  if (!unit || unit->level() != domain::UnitCode::Level::kCounty) return "";
  return unit->parent();
}

struct UnitContext {
  std::string code6;         // for the USCC
  std::string name_prefix;   // "深圳市", "佛山市顺德区"
  std::string address_head;  // "广东省深圳市" or "广东省佛山市"
  std::string province_short;
  std::vector<std::string_view> areas;  // districts / towns, may be empty
  std::vector<double> industry_cumulative;
  double hmt_factor = 1, foreign_factor = 1;
};

struct IndustryContext {
  const IndustryProfile* profile;
  std::vector<std::string_view> words;
};

std::string_view LookUp(const std::pair<std::string_view, std::string_view>* begin,
                        const std::pair<std::string_view, std::string_view>* end,
                        std::string_view key) {
  for (auto* it = begin; it != end; ++it) {
    if (it->first == key) return it->second;
  }
  return {};
}

template <size_t N>
std::string_view LookUp(const std::pair<std::string_view, std::string_view> (&table)[N],
                        std::string_view key) {
  return LookUp(table, table + N, key);
}

std::vector<UnitContext> BuildUnitContexts(const std::vector<UnitInfo>& units,
                                           const std::vector<IndustryInfo>& industries,
                                           const std::vector<IndustryContext>& industry_contexts) {
  std::vector<UnitContext> out(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const UnitInfo& unit = units[i];
    UnitContext& ctx = out[i];

    ctx.code6 = unit.code.substr(0, 6);
    for (char& c : ctx.code6) {
      if (c < '0' || c > '9') c = '0';
    }
    ctx.code6.resize(6, '0');

    const Province* province = nullptr;
    for (const auto& p : kProvinces) {
      if (p.prefix == std::string_view(ctx.code6).substr(0, 2)) province = &p;
    }
    ctx.province_short = province != nullptr ? std::string(province->short_name) : std::string();

    // A district unit is named and addressed under its parent city when the
    // parent is among the units (佛山市顺德区); otherwise under its own name.
    std::string city = unit.name;
    std::string district_prefix;
    if (const std::string parent_code = PrefectureOfDistrict(unit.code); !parent_code.empty()) {
      for (const auto& other : units) {
        if (other.code == parent_code) {
          city = other.name;
          district_prefix = unit.name;
        }
      }
    }
    ctx.name_prefix = city + district_prefix;
    ctx.address_head =
        (province != nullptr && province->name != city) ? std::string(province->name) + city : city;
    ctx.areas = Split(LookUp(kAreas, unit.code), '|');
    if (ctx.areas.empty() && !district_prefix.empty()) ctx.areas.push_back(unit.name);

    // Industry mix: base weights × group factors × unit factors.
    const auto group_factors = ParseFactors(LookUp(kGroupFactors, unit.group));
    const auto unit_factors = ParseFactors(LookUp(kUnitFactors, unit.code));
    double total = 0;
    ctx.industry_cumulative.reserve(industries.size());
    for (size_t k = 0; k < industries.size(); ++k) {
      double w = industry_contexts[k].profile->weight;
      for (const auto& [code, f] : group_factors) {
        if (code == industries[k].code) w *= f;
      }
      for (const auto& [code, f] : unit_factors) {
        if (code == industries[k].code) w *= f;
      }
      total += w;
      ctx.industry_cumulative.push_back(total);
    }

    if (unit.group == "珠三角") {
      ctx.hmt_factor = 1.3;
      ctx.foreign_factor = 1.3;
    } else if (!unit.group.empty()) {
      ctx.hmt_factor = 0.5;
      ctx.foreign_factor = 0.5;
    }
    if (unit.code == "440300" || unit.code == "441900") ctx.hmt_factor *= 1.5;
  }
  return out;
}

// Unit weights: above-scale counts, with carved-out districts (顺德区) taking a
// share of their parent.
std::vector<double> UnitWeights(const std::vector<UnitInfo>& units) {
  std::vector<double> weights(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    weights[i] = static_cast<double>(std::max<int64_t>(0, units[i].above_scale));
  }
  // 顺德区 (440606) is reported separately from 佛山市 but the statistics give
  // only 佛山's total, which includes 顺德. 顺德 has roughly a third of 佛山's
  // industrial enterprises (家电, 家具, 机械), so a carved-out district with no
  // count of its own takes 1/3 of its parent's count and the parent keeps the
  // other 2/3; the total is unchanged.
  for (size_t i = 0; i < units.size(); ++i) {
    const std::string parent_code = PrefectureOfDistrict(units[i].code);
    if (units[i].above_scale > 0 || parent_code.empty()) continue;
    for (size_t j = 0; j < units.size(); ++j) {
      if (units[j].code != parent_code || units[j].above_scale <= 0) continue;
      const double share = static_cast<double>(units[j].above_scale) / 3.0;
      const double taken = std::min(share, weights[j]);
      weights[i] += taken;
      weights[j] -= taken;
    }
  }
  return weights;
}

// How many enterprises each unit gets: at least min(5, count/units), the rest
// in proportion to the weights by largest remainder.
std::vector<int64_t> UnitQuotas(const std::vector<double>& weights, int64_t count) {
  const auto n = static_cast<int64_t>(weights.size());
  const int64_t floor_each = std::min<int64_t>(5, count / n);
  std::vector<int64_t> quotas(weights.size(), floor_each);
  const int64_t rest = count - floor_each * n;
  double total = 0;
  for (double w : weights) total += w;
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = total > 0 ? static_cast<double>(rest) * weights[i] / total
                                   : static_cast<double>(rest) / static_cast<double>(n);
    const auto whole = static_cast<int64_t>(std::floor(exact));
    quotas[i] += whole;
    given += whole;
    remainders.emplace_back(exact - static_cast<double>(whole), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < rest; k = (k + 1) % remainders.size()) {
    ++quotas[remainders[k].second];
    ++given;
  }
  return quotas;
}

// ---------------------------------------------------------------------------
// Uniqueness. Names and codes are remembered by a 64-bit FNV-1a hash in an
// open-addressing table: no per-entry allocation, and (unlike std::hash) the
// same everywhere. A hash collision between two different strings only makes
// the generator draw again, so uniqueness is never lost.
// ---------------------------------------------------------------------------

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

class HashSet64 {
 public:
  explicit HashSet64(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2 + 16) capacity <<= 1;
    slots_.assign(capacity, 0);
  }

  // Inserts the hash of `s`; false when it was already there.
  bool Insert(std::string_view s) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    return InsertHash(Fnv1a(s));
  }

 private:
  bool InsertHash(uint64_t h) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(SplitMixFinal(h)) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }

  void Grow() {
    std::vector<uint64_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    size_ = 0;
    for (uint64_t h : old) {
      if (h != 0) InsertHash(h);
    }
  }

  static uint64_t SplitMixFinal(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

// ---------------------------------------------------------------------------
// One enterprise.
// ---------------------------------------------------------------------------

class Generator {
 public:
  Generator(uint64_t seed, size_t expected) : rng_(seed), names_(expected), usccs_(expected) {
    for (size_t i = 0; i < std::size(kSurnames); ++i) surname_weights_[i] = kSurnames[i].weight;
  }

  SyntheticEnterprise Make(const UnitInfo& unit, const UnitContext& uctx,
                           const IndustryInfo& industry, const IndustryContext& ictx) {
    const IndustryProfile& profile = *ictx.profile;
    SyntheticEnterprise e;
    e.unit_code = unit.code;
    e.industry_code = industry.code;
    e.production_type = std::string(kProductionTypes[PickWeighted(rng_, profile.types)]);

    // Size: ~2% large, ~13% medium, ~75% small above scale, ~10% below scale,
    // shifted towards large in capital-heavy industries.
    const double damped = std::sqrt(profile.large_factor);
    std::array<double, 4> size_weights = {0.02 * profile.large_factor, 0.13 * damped, 0, 0.10};
    size_weights[2] = std::max(0.2, 1.0 - size_weights[0] - size_weights[1] - size_weights[3]);
    const auto target = static_cast<SizeTarget>(PickWeighted(rng_, size_weights));
    std::tie(e.employees, e.revenue_10k_yuan) = DrawSize(rng_, target, profile.revenue_factor);

    // Ownership: private, hmt, foreign, state, collective, other.
    static constexpr std::array<std::string_view, 6> kOwnership = {
        "private", "hmt", "foreign", "state", "collective", "other"};
    std::array<double, 6> own = {
        0.76, 0.09 * uctx.hmt_factor, 0.07 * uctx.foreign_factor, 0.03 * profile.state_factor, 0.01,
        0.04};
    if (target == SizeTarget::kLarge) {
      own[1] *= 1.3;
      own[2] *= 2;
      own[3] *= 3;
    } else if (target == SizeTarget::kMedium) {
      own[1] *= 1.2;
      own[2] *= 1.4;
      own[3] *= 1.5;
    }
    const size_t ownership = PickWeighted(rng_, own);
    e.ownership = std::string(kOwnership[ownership]);

    // 统一社会信用代码: 9 (工商) 1 (企业) + division + organisation code + check.
    const double new_style = (ownership == 3 || target == SizeTarget::kLarge) ? 0.25 : 0.6;
    for (;;) {
      std::string first17 = "91" + uctx.code6 + DrawOrgCode(rng_, new_style);
      const char check = UsccCheckCharacter(first17);
      first17.push_back(check);
      if (check != '\0' && usccs_.Insert(first17)) {
        e.uscc = std::move(first17);
        break;
      }
    }

    // Name: <region><字号><industry word><company form>.
    std::string prefix;
    const double region = rng_.Uniform();
    if (region < 0.72) {
      prefix = uctx.name_prefix;
    } else if (region < 0.88 && !uctx.province_short.empty()) {
      prefix = uctx.province_short;
    }
    const std::string_view word = ictx.words[rng_.Below(ictx.words.size())];
    const bool big = target == SizeTarget::kLarge || target == SizeTarget::kMedium;
    const double form = rng_.Uniform();
    std::string_view suffix = "有限公司";
    if (form < (big ? 0.35 : 0.05)) {
      suffix = "股份有限公司";
    } else if (form > 0.88 && !word.ends_with("科技") && !word.ends_with("技术") &&
               !word.ends_with("工程")) {
      suffix = "实业有限公司";
    }
    std::string brand_pinyin;
    for (int attempt = 0;; ++attempt) {
      const int length = attempt < 8 ? (rng_.Chance(0.7) ? 2 : 3) : (attempt < 40 ? 3 : 4);
      std::string brand;
      brand_pinyin.clear();
      size_t previous = std::size(kBrandChars);
      for (int k = 0; k < length; ++k) {
        size_t c = rng_.Below(std::size(kBrandChars));
        if (c == previous) c = (c + 1) % std::size(kBrandChars);
        previous = c;
        brand += kBrandChars[c].han;
        brand_pinyin += kBrandChars[c].pinyin;
      }
      std::string name;
      name.reserve(prefix.size() + brand.size() + word.size() + suffix.size());
      name.append(prefix).append(brand).append(word).append(suffix);
      if (names_.Insert(name)) {
        e.name = std::move(name);
        break;
      }
    }

    e.address = MakeAddress(uctx);

    // Contact.
    const Surname& surname = kSurnames[PickWeighted(rng_, surname_weights_)];
    std::string given_pinyin;
    e.contact_name = std::string(surname.han);
    const int given_length = rng_.Chance(0.35) ? 1 : 2;
    size_t previous_given = std::size(kGivenChars);
    for (int k = 0; k < given_length; ++k) {
      size_t c = rng_.Below(std::size(kGivenChars));
      if (c == previous_given) c = (c + 1) % std::size(kGivenChars);  // no 健健
      previous_given = c;
      e.contact_name += kGivenChars[c].han;
      given_pinyin += kGivenChars[c].pinyin;
    }

    static constexpr std::array<double, 7> kSecondDigit = {30, 1, 25, 2, 5, 30, 7};  // 3..9
    e.contact_phone = "1";
    e.contact_phone.push_back(static_cast<char>('3' + PickWeighted(rng_, kSecondDigit)));
    for (int k = 0; k < 9; ++k) e.contact_phone.push_back(static_cast<char>('0' + rng_.Below(10)));

    e.contact_email = MakeEmail(surname.pinyin, given_pinyin, brand_pinyin);
    return e;
  }

 private:
  std::string MakeAddress(const UnitContext& uctx) {
    std::string a = uctx.address_head;
    if (!uctx.areas.empty()) a += uctx.areas[rng_.Below(uctx.areas.size())];
    static const std::vector<std::string_view> roads = Split(kRoads, '|');
    if (rng_.Chance(0.55)) {
      a += roads[rng_.Below(roads.size())];
    } else {
      const size_t c1 = rng_.Below(std::size(kBrandChars));
      const size_t c2 = (c1 + 1 + rng_.Below(std::size(kBrandChars) - 1)) % std::size(kBrandChars);
      a += kBrandChars[c1].han;
      a += kBrandChars[c2].han;
      a += kRoadSuffixes[rng_.Below(kRoadSuffixes.size())];
    }
    // House numbers: mostly small.
    const int64_t number = rng_.Chance(0.7) ? rng_.Between(1, 199) : rng_.Between(200, 999);
    a += std::to_string(number) + "号";
    const double extra = rng_.Uniform();
    if (extra < 0.15) {
      a += kBrandChars[rng_.Below(std::size(kBrandChars))].han;
      a += "工业园" + std::to_string(rng_.Between(1, 12)) + "栋";
    } else if (extra < 0.3) {
      a += std::to_string(rng_.Between(1, 8)) + "号厂房";
    }
    return a;
  }

  std::string MakeEmail(std::string_view surname, std::string_view given, std::string_view brand) {
    const double kind = rng_.Uniform();
    if (kind < 0.4) {
      static constexpr std::array<std::string_view, 3> kTlds = {".com", ".com.cn", ".cn"};
      static constexpr std::array<double, 3> kTldWeights = {60, 25, 15};
      std::string local = std::string(surname) + (rng_.Chance(0.3) ? "." : "") + std::string(given);
      return local + "@" + std::string(brand) + std::string(kTlds[PickWeighted(rng_, kTldWeights)]);
    }
    if (kind < 0.7) {
      std::string qq(1, static_cast<char>('1' + rng_.Below(9)));
      const int64_t length = rng_.Between(5, 9);
      for (int64_t k = 0; k < length; ++k) qq.push_back(static_cast<char>('0' + rng_.Below(10)));
      return qq + "@qq.com";
    }
    static constexpr std::array<std::string_view, 6> kDomains = {
        "163.com", "126.com", "139.com", "sina.com", "foxmail.com", "hotmail.com"};
    std::string local = std::string(surname) + std::string(given);
    if (rng_.Chance(0.7)) local += std::to_string(rng_.Between(1, 9999));
    return local + "@" + std::string(kDomains[rng_.Below(kDomains.size())]);
  }

  Rng rng_;
  HashSet64 names_;
  HashSet64 usccs_;
  std::array<double, std::size(kSurnames)> surname_weights_{};
};

}  // namespace

std::vector<SyntheticEnterprise> GeneratePopulation(const std::vector<UnitInfo>& units,
                                                    const std::vector<IndustryInfo>& industries,
                                                    const PopulationOptions& options) {
  std::vector<SyntheticEnterprise> out;
  if (options.count <= 0 || units.empty() || industries.empty()) return out;

  std::vector<IndustryContext> industry_contexts;
  industry_contexts.reserve(industries.size());
  for (const auto& industry : industries) {
    const IndustryProfile& profile = ProfileFor(industry.code);
    industry_contexts.push_back({&profile, Split(profile.words, '|')});
  }
  const std::vector<UnitContext> unit_contexts =
      BuildUnitContexts(units, industries, industry_contexts);

  // Which unit each enterprise belongs to, in a seeded random order so that a
  // prefix of the population is itself a mixed sample.
  const std::vector<int64_t> quotas = UnitQuotas(UnitWeights(units), options.count);
  std::vector<uint32_t> assignment;
  assignment.reserve(static_cast<size_t>(options.count));
  for (size_t i = 0; i < quotas.size(); ++i)
    assignment.insert(assignment.end(), quotas[i], static_cast<uint32_t>(i));

  // Three independent streams derived from the seed.
  auto stream_seed = [&](uint64_t stream) {
    uint64_t x = options.seed ^ (stream * 0xD1B54A32D192ED03ULL);
    return SplitMix64(x);
  };
  Generator generator(stream_seed(1), assignment.size());
  Rng shuffle_rng(stream_seed(2));
  for (size_t i = assignment.size(); i > 1; --i)
    std::swap(assignment[i - 1], assignment[shuffle_rng.Below(i)]);

  Rng industry_rng(stream_seed(3));
  out.reserve(assignment.size());
  for (uint32_t u : assignment) {
    const size_t k = PickCumulative(industry_rng, unit_contexts[u].industry_cumulative);
    out.push_back(generator.Make(units[u], unit_contexts[u], industries[k], industry_contexts[k]));
  }
  return out;
}

}  // namespace rongping::demo
