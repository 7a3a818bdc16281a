package io.regsurv.generate;

import java.util.SplittableRandom;

/** Chinese firm names, business scopes and personal names in the patterns real extracts show. */
final class Names {
  private static final String[] TRADE = {
    "星辰", "云智", "慧联", "创宏", "达华", "兴博", "睿新", "天启", "未来", "灵犀", "深度", "远航", "鼎盛", "卓越",
    "思源", "启明", "睿信", "腾飞", "恒通", "奇点", "智谱", "云帆", "数联", "九章", "墨子", "极光", "北辰", "知行"
  };
  private static final String[] AI_INDUSTRY = {"人工智能科技", "人工智能技术", "人工智能", "人工智能信息技术", "人工智能研究院"};
  private static final String[] OTHER_INDUSTRY = {"智能科技", "信息技术", "网络科技", "数字科技", "软件开发", "电子商务", "智能装备"};
  private static final String[] AI_SCOPE = {
    "人工智能应用软件开发", "人工智能基础软件开发", "人工智能理论与算法软件开发", "人工智能通用应用系统",
    "人工智能行业应用系统集成服务", "人工智能硬件销售", "人工智能公共数据平台"
  };
  private static final String[] OTHER_SCOPE = {
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", "软件开发", "信息系统集成服务", "数据处理和存储支持服务",
    "计算机软硬件及辅助设备零售", "互联网数据服务", "信息咨询服务（不含许可类信息咨询服务）", "物联网技术服务", "智能机器人的研发"
  };
  private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢";
  private static final String GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志鹏宇浩然欣怡子轩梓涵思远晨阳";

  private Names() {}

  static String firmName(SplittableRandom rng, EntityType type, Places.City city, boolean ai) {
    String region = Places.shortName(city.name());
    String trade = pickOf(rng, TRADE);
    String industry = ai && rng.nextDouble() < 0.7 ? pickOf(rng, AI_INDUSTRY) : pickOf(rng, OTHER_INDUSTRY);
    return switch (type.kind()) {
      case INDIVIDUAL -> rng.nextBoolean()
          ? region + "市" + trade + industry + "工作室（个体工商户）"
          : region + trade + industry + "服务部";
      case PROPRIETORSHIP -> region + trade + industry + (type == EntityType.PARTNERSHIP ? "合伙企业（普通合伙）" : "中心（个人独资）");
      case BRANCH -> trade + industry + "有限公司" + region + "分公司";
      case FOREIGN -> region + trade + industry + "有限公司";
      case COMPANY -> region + trade + industry + (type == EntityType.JOINT_STOCK ? "股份有限公司" : "有限公司");
    };
  }

  /** AI firms whose name lacks 人工智能 get it in the scope, so the flag is always observable. */
  static String scope(SplittableRandom rng, boolean ai) {
    StringBuilder b = new StringBuilder("一般项目：");
    int first = rng.nextInt(OTHER_SCOPE.length);
    b.append(OTHER_SCOPE[first]);
    if (ai) {
      b.append('；').append(pickOf(rng, AI_SCOPE));
    }
    int extra = rng.nextInt(3);
    for (int i = 0; i < extra; i++) {
      // Consecutive distinct items: a scope never lists the same activity twice.
      b.append('；').append(OTHER_SCOPE[(first + 1 + i) % OTHER_SCOPE.length]);
    }
    return b.append("。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）").toString();
  }

  static String person(SplittableRandom rng) {
    StringBuilder b = new StringBuilder(3).append(SURNAMES.charAt(rng.nextInt(SURNAMES.length())));
    b.append(GIVEN.charAt(rng.nextInt(GIVEN.length())));
    if (rng.nextDouble() < 0.7) {
      b.append(GIVEN.charAt(rng.nextInt(GIVEN.length())));
    }
    return b.toString();
  }

  private static String pickOf(SplittableRandom rng, String[] options) {
    return options[rng.nextInt(options.length)];
  }
}
