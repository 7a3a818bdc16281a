package io.regsurv.generate;

/** Provinces and cities with their GB/T 2260 administrative codes, weighted by their share of AI firms. */
final class Places {
  /** One city: its 4-digit prefecture code and name. */
  record City(String code, String name) {}

  /** One province: 2-digit code, name, share of firms, hazard factor, and how its registry writes "active". */
  record Province(String code, String name, double weight, double hazard, String activeStatus, City[] cities) {}

  // Hazard factors differ by province to give the survival comparison something to find; the
  // active-status variant differs because each provincial registry system writes its own.
  static final Province[] PROVINCES = {
    p("44", "广东省", 15, 1.10, "存续", c("4401", "广州市"), c("4403", "深圳市"), c("4406", "佛山市"), c("4419", "东莞市")),
    p("32", "江苏省", 9, 0.95, "在业", c("3201", "南京市"), c("3205", "苏州市"), c("3202", "无锡市")),
    p("37", "山东省", 8, 1.05, "存续（在营、开业、在册）", c("3701", "济南市"), c("3702", "青岛市"), c("3706", "烟台市")),
    p("33", "浙江省", 7, 0.90, "存续", c("3301", "杭州市"), c("3302", "宁波市"), c("3303", "温州市")),
    p("31", "上海市", 6, 0.85, "存续", c("3101", "上海市")),
    p("11", "北京市", 6, 0.80, "在业", c("1101", "北京市")),
    p("41", "河南省", 5, 1.15, "存续（在营、开业、在册）", c("4101", "郑州市"), c("4103", "洛阳市")),
    p("51", "四川省", 5, 1.00, "存续", c("5101", "成都市"), c("5107", "绵阳市")),
    p("42", "湖北省", 5, 1.00, "存续", c("4201", "武汉市"), c("4206", "襄阳市")),
    p("35", "福建省", 5, 1.05, "在业", c("3501", "福州市"), c("3502", "厦门市")),
    p("34", "安徽省", 5, 1.00, "存续", c("3401", "合肥市"), c("3402", "芜湖市")),
    p("61", "陕西省", 4, 1.10, "存续", c("6101", "西安市")),
    p("43", "湖南省", 4, 1.05, "存续", c("4301", "长沙市"), c("4302", "株洲市")),
    p("13", "河北省", 4, 1.20, "存续（在营、开业、在册）", c("1301", "石家庄市"), c("1306", "保定市")),
    p("50", "重庆市", 3, 1.00, "存续", c("5001", "重庆市")),
    p("12", "天津市", 2, 0.95, "在业", c("1201", "天津市")),
    p("45", "广西壮族自治区", 3, 1.25, "存续", c("4501", "南宁市"), c("4503", "桂林市")),
    p("53", "云南省", 2, 1.20, "存续", c("5301", "昆明市")),
    p("36", "江西省", 2, 1.15, "存续", c("3601", "南昌市"), c("3607", "赣州市")),
  };

  private static final double TOTAL_WEIGHT;

  static {
    double t = 0;
    for (Province p : PROVINCES) {
      t += p.weight();
    }
    TOTAL_WEIGHT = t;
  }

  private Places() {}

  /** The province at quantile {@code u} of the firm distribution. */
  static Province province(double u) {
    double x = u * TOTAL_WEIGHT;
    for (Province p : PROVINCES) {
      x -= p.weight();
      if (x < 0) {
        return p;
      }
    }
    return PROVINCES[PROVINCES.length - 1];
  }

  /** Short region word for a firm name: 深圳市 → 深圳, 广西壮族自治区 → 广西. */
  static String shortName(String name) {
    if (name.endsWith("壮族自治区")) {
      return name.substring(0, name.length() - 5);
    }
    return name.endsWith("市") || name.endsWith("省") ? name.substring(0, name.length() - 1) : name;
  }

  private static Province p(String code, String name, double weight, double hazard, String active, City... cities) {
    return new Province(code, name, weight, hazard, active, cities);
  }

  private static City c(String code, String name) {
    return new City(code, name);
  }
}
