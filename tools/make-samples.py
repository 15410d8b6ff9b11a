#!/usr/bin/env python3
"""Generate the sample records that `creditgw demo` ingests (samples/).

Everything is fictional: one authority, 示范市交通运输局, and its departments issuing 行政许可 (xk)
and 行政处罚 (cf) decisions in autumn 2026. Identifiers are computed to be valid (GB 32100 USCC,
GB 11714 organisation code, GB 11643 身份证号) except in the rows deliberately broken to show the
gateway's validation; those rows, and the rows the mock platform rejects, are listed in
samples/README.md, which this script writes too, so that line numbers never drift.

Deterministic: a fixed seed, no set iteration, no clock. Run from anywhere:
    python3 tools/make-samples.py            # writes samples/ next to tools/
    python3 tools/make-samples.py --out DIR  # writes elsewhere (e.g. to diff against samples/)
The run ends with an independent verification of what it wrote and exits non-zero on a mismatch.
stdlib only.
"""

import argparse
import csv
import datetime as dt
import io
import os
import random
import shutil
import subprocess
import sys
from decimal import Decimal

SEED = 20261122
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIVISIONS = "/work/shared/data/divisions/mca-areacodes/2024.txt"

# ---------------------------------------------------------------------------------------------
# Field lists: domain.md §2.1 / §2.2, codes and standard Chinese names, in standard order.

PARTY_FIELDS = [  # (suffix, 中文名), shared by xk and cf
    ("XDR_MC", "行政相对人名称"),
    ("XDR_LB", "行政相对人类别"),
    ("XDR_SHXYM", "统一社会信用代码"),
    ("XDR_GSZC", "工商注册号"),
    ("XDR_ZZJG", "组织机构代码"),
    ("XDR_SWDJ", "税务登记号"),
    ("XDR_SYDW", "事业单位证书号"),
    ("XDR_SHZZ", "社会组织登记证号"),
    ("FRDB", "法定代表人"),
    ("FR_ZJLX", "法定代表人证件类型"),
    ("FR_ZJHM", "法定代表人证件号码"),
    ("XDR_ZJLX", "证件类型"),
    ("XDR_ZJHM", "证件号码"),
]

XK_FIELDS = [("XK_" + s, n) for s, n in PARTY_FIELDS] + [
    ("XK_XKWS", "行政许可决定文书名称"),
    ("XK_WSH", "行政许可决定文书号"),
    ("XK_XKLB", "许可类别"),
    ("XK_XKZS", "许可证书名称"),
    ("XK_XKBH", "许可编号"),
    ("XK_NR", "许可内容"),
    ("XK_JDRQ", "许可决定日期"),
    ("XK_YXQZ", "有效期自"),
    ("XK_YXQZI", "有效期至"),
    ("XK_XKJG", "许可机关"),
    ("XK_XKJGDM", "许可机关统一社会信用代码"),
    ("XK_ZT", "当前状态"),
    ("XK_LYDW", "数据来源单位"),
    ("XK_LYDWDM", "数据来源单位统一社会信用代码"),
    ("BZ", "备注"),
    ("ZRBM", "责任部门"),
]

CF_FIELDS = [("CF_" + s, n) for s, n in PARTY_FIELDS] + [
    ("CF_WSH", "行政处罚决定书文号"),
    ("CF_WFXW", "违法行为类型"),
    ("CF_SY", "违法事实"),
    ("CF_YJ", "处罚依据"),
    ("CF_CFLB", "处罚类别"),
    ("CF_NR", "处罚内容"),
    ("CF_NR_FK", "罚款金额（万元）"),
    ("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）"),
    ("CF_NR_ZKDX", "暂扣或吊销证照名称及编号"),
    ("CF_JDRQ", "处罚决定日期"),
    ("CF_YXQ", "处罚有效期"),
    ("CF_GSJZQ", "公示截止期"),
    ("CF_CFJG", "处罚机关"),
    ("CF_CFJGDM", "处罚机关统一社会信用代码"),
    ("CF_SJLY", "数据来源单位"),
    ("CF_SJLYDM", "数据来源单位统一社会信用代码"),
    ("BZ", "备注"),
    ("ZRBM", "责任部门"),
]

XK_DATE_FIELDS = ("XK_JDRQ", "XK_YXQZ", "XK_YXQZI")
CF_DATE_FIELDS = ("CF_JDRQ", "CF_YXQ", "CF_GSJZQ")

LEGAL = "法人及非法人组织"
INDIVIDUAL_BUSINESS = "个体工商户"
PERSON = "自然人"

AUTHORITY = "示范市交通运输局"
AUTHORITY_DIVISION = "371300"  # borrowed real code (临沂市) for the fictional 示范市
HOME_PREFIX = "3713"

# ---------------------------------------------------------------------------------------------
# Check characters (generation side). verify() below re-checks with different formulations.

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def usccCheckChar(body17):
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def orgCodeCheckChar(body8):
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def idCheckChar(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11]


def gszcCheckDigit(body14):
    """GS 15-2006 工商注册号 check digit (ISO 7064 MOD 11,10)."""
    p = 10
    for c in body14:
        s = (p + int(c)) % 10 or 10
        p = s * 2 % 11
    return str((11 - p) % 10)


# ---------------------------------------------------------------------------------------------
# Names and places (all fictional; 示范市 plates "示A" do not exist).

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
MALE_GIVEN = ["建国", "志强", "卫东", "国强", "振华", "文杰", "春生", "德明", "立新", "晓东",
              "明亮", "永刚", "宏伟", "俊峰", "学军", "庆华", "长青", "兆明", "广才", "保国",
              "瑞祥", "新民", "洪涛", "金山", "世杰", "海波", "光辉", "树林", "传伟", "成龙",
              "加林", "连生", "家豪", "子轩", "浩然", "宇航", "守义", "玉柱", "德胜", "福来"]
FEMALE_GIVEN = ["秀英", "海燕", "丽娟", "红梅", "玉兰", "桂芝", "金凤", "淑珍", "凤英", "继红",
                "春燕", "秀兰", "文静", "晓梅", "雪芳", "丽华", "翠萍", "慧敏", "欣怡", "梦琪"]
TRADE_NAMES = ["顺达", "通远", "恒运", "鑫泰", "安捷", "宏达", "路畅", "吉祥", "万通", "长运",
               "金桥", "润丰", "广源", "兴旺", "通衢", "驰远", "远航", "福顺", "祥和", "永安",
               "泰和", "华盛", "瑞通", "畅达", "久安", "嘉禾", "鸿运", "盛通", "宇通", "捷运",
               "腾达", "立信", "众诚", "和信", "聚源", "东升", "沂蒙", "沭河", "蒙山", "海川",
               "凯顺", "速达", "德顺", "新程", "中鑫", "宝昌", "正通", "运昌", "同发", "益民"]
FREIGHT_SUFFIX = ["物流有限公司", "运输有限公司", "货运有限公司", "供应链管理有限公司",
                  "汽车运输有限公司", "物流运输有限公司"]
PLACES = ["示范市东外环超限检测站", "G205国道示范段K1123+400处", "S231省道示范段K45+300处",
          "示范市北城货运场", "示范市汽车总站东侧", "示范高速收费站出口", "示范市临港物流园区",
          "示范市人民路与滨河路交叉口", "示范市高铁站南广场", "S342省道示范段K12+800处"]
CARGO = ["钢材", "石子", "水泥", "煤炭", "砂石料", "板材", "化肥", "瓷砖", "玉米", "建筑垃圾"]

PUBLIC_BODIES = ["示范市公路事业发展中心", "示范市农村公路管理服务中心", "示范市交通建设服务中心"]
XK_DEPARTMENTS = ["行政审批科", "运输管理科", "港航科", "路政科"]
CF_DEPARTMENTS = ["综合执法支队一大队", "综合执法支队二大队", "综合执法支队三大队", "港航科"]


class Ids:
    """Issues unique identifiers; every USCC, ID number and name it hands out is fresh."""

    def __init__(self, rng, divisions):
        self.rng = rng
        self.shandong = [c for c in divisions if c.startswith("37") and not c.endswith("00")]
        self.henan = [c for c in divisions if c.startswith("41") and not c.endswith("00")]
        self.home = [c for c in self.shandong if c.startswith(HOME_PREFIX)]
        self.used = set()  # membership only, never iterated
        self.bodies = {}

    def fresh(self, make):
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def county(self, homeShare=0.7):
        r = self.rng.random()
        if r < homeShare:
            return self.rng.choice(self.home)
        if r < homeShare + (1 - homeShare) * 0.6:
            return self.rng.choice(self.shandong)
        return self.rng.choice(self.henan)

    def orgCode(self, newStyle):
        letters = "ABCDEFGHJKLMNPQRTUWXY"
        if newStyle:  # codes assigned since 2015 start with MA
            body = "MA" + "".join(self.rng.choice("0123456789" + letters) for _ in range(6))
        else:
            body = "".join(self.rng.choice("0123456789") for _ in range(8))
        return body + orgCodeCheckChar(body)

    def uscc(self, prefix, division=None, org=None):
        def make():
            body = prefix + (division or self.county()) + (org or self.orgCode(self.rng.random() < 0.6))
            return body + usccCheckChar(body)
        return self.fresh(make)

    def idNumber(self, male, homeShare=0.55):
        def make():
            birth = dt.date(1966, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 36))
            seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd = male (GB 11643)
            body = self.county(homeShare) + birth.strftime("%Y%m%d") + "%03d" % seq
            return body + idCheckChar(body)
        return self.fresh(make)

    def person(self):
        male = self.rng.random() < 0.8  # drivers are mostly men
        name = self.fresh(lambda: self.rng.choice(SURNAMES)
                          + self.rng.choice(MALE_GIVEN if male else FEMALE_GIVEN))
        return name, self.idNumber(male)

    def plate(self):
        return self.fresh(lambda: "示" + self.rng.choice("ABCD") + "·" + self.rng.choice("0123456789DF")
                          + "".join(self.rng.choice("0123456789") for _ in range(4)))

    def companyName(self, suffixes):
        return self.fresh(lambda: "示范市" + self.rng.choice(TRADE_NAMES) + self.rng.choice(suffixes))

    def publicBody(self, name):
        """事业单位 apply again and again: one party per name, created on first use."""
        if name not in self.bodies:
            self.bodies[name] = legalParty(self, name=name, public=True)
        return self.bodies[name]

    def gszc(self, division):
        def make():
            body = division + "6" + "".join(self.rng.choice("0123456789") for _ in range(7))
            return body + gszcCheckDigit(body)
        return self.fresh(make)


# ---------------------------------------------------------------------------------------------
# Dates

OFF_DAYS = {dt.date(2026, 9, 25)} | {dt.date(2026, 10, d) for d in range(1, 9)}  # 中秋, 国庆


def workdays(first, last):
    days, d = [], first
    while d <= last:
        if d.weekday() < 5 and d not in OFF_DAYS:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


RECENT_DAYS = workdays(dt.date(2026, 11, 12), dt.date(2026, 11, 20))
OLDER_DAYS = workdays(dt.date(2026, 9, 1), dt.date(2026, 11, 11))


def decisionDate(rng):
    """~70% recent (on time when the demo runs on 2026-11-22), ~30% older (late)."""
    return rng.choice(RECENT_DAYS if rng.random() < 0.70 else OLDER_DAYS)


def addYears(d, years):
    return d.replace(year=d.year + years)  # no 2-29 decisions in Sep-Nov


LONG_TERM = dt.date(2099, 12, 31)


def fmtDate(value, style):
    if isinstance(value, str):  # deliberately impossible dates are kept as text
        return value.replace("-", style)
    return value.strftime("%Y" + style + "%m" + style + "%d")


# ---------------------------------------------------------------------------------------------
# Money

DIGITS_CN = "零壹贰叁肆伍陆柒捌玖"


def yuanInWords(yuan):
    """Integer 元 (< 1 亿) in the 大写 form written on 处罚决定书: 3500 -> 叁仟伍佰元整."""
    units = ["", "拾", "佰", "仟"]

    def section(n):
        out, zero = "", False
        for i in range(3, -1, -1):
            d = n // 10 ** i % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += DIGITS_CN[d] + units[i]
        return out

    wan, rest = divmod(yuan, 10000)
    text = section(wan) + "万" if wan else ""
    if rest:
        text += ("零" if wan and rest < 1000 else "") + section(rest)
    return text + "元整"


def wanyuan(yuan):
    """元 -> 万元 as the standard wants it: exact, no trailing zeros (2000 -> 0.2)."""
    value = Decimal(yuan) / Decimal(10000)
    text = format(value.normalize(), "f")
    return text


# ---------------------------------------------------------------------------------------------
# Parties

class Party:
    def __init__(self, kind, name, fields):
        self.kind, self.name, self.fields = kind, name, fields


def legalParty(ids, name=None, suffixes=FREIGHT_SUFFIX, public=False):
    """法人及非法人组织: a company (91) or, with public=True, a 事业单位 (12)."""
    rng = ids.rng
    name = name or ids.companyName(suffixes)
    division = ids.county(0.85)
    org = ids.orgCode(not public and rng.random() < 0.6)
    code = ids.uscc("12" if public else "91", division, org)
    rep, repId = ids.person()
    f = {"XDR_MC": name, "XDR_LB": LEGAL, "XDR_SHXYM": code, "FRDB": rep}
    if rng.random() < 0.5:  # many local systems still fill the old 组织机构代码
        f["XDR_ZZJG"] = code[8:17]
    if public:
        f["XDR_SYDW"] = "1" + division + "".join(rng.choice("0123456789") for _ in range(5))
    if rng.random() < 0.4:
        f["FR_ZJLX"], f["FR_ZJHM"] = "身份证", repId
    return Party(LEGAL, name, f)


INDIVIDUAL_SUFFIX = ["货运部", "运输服务部", "货物运输经营部", "物流信息部", "运输队"]


def individualParty(ids):
    """个体工商户: USCC starting 92, 经营者 in 法定代表人."""
    owner, ownerId = ids.person()
    name = ids.fresh(lambda: "示范市" + owner + ids.rng.choice(INDIVIDUAL_SUFFIX))
    code = ids.uscc("92", ids.county(0.85))
    f = {"XDR_MC": name, "XDR_LB": INDIVIDUAL_BUSINESS, "XDR_SHXYM": code, "FRDB": owner}
    if ids.rng.random() < 0.3:
        f["FR_ZJLX"], f["FR_ZJHM"] = "身份证", ownerId
    return Party(INDIVIDUAL_BUSINESS, name, f)


def personParty(ids):
    name, number = ids.person()
    return Party(PERSON, name, {"XDR_MC": name, "XDR_LB": PERSON,
                                "XDR_ZJLX": "身份证", "XDR_ZJHM": number})


def partyOfKind(ids, kind, **kw):
    if kind == LEGAL:
        return legalParty(ids, **kw)
    if kind == INDIVIDUAL_BUSINESS:
        return individualParty(ids)
    return personParty(ids)


def pickKind(rng):
    r = rng.random()
    return LEGAL if r < 0.60 else INDIVIDUAL_BUSINESS if r < 0.80 else PERSON


# ---------------------------------------------------------------------------------------------
# 行政许可 catalogue: (who may hold it, generator). A generator returns the licence fields.

def serial(rng, n=6):
    return "".join(rng.choice("0123456789") for _ in range(n))


def xkFreight(ids, party, day):
    rng = ids.rng
    if party.kind == LEGAL:
        n = rng.randint(5, 80)
        content = "经营范围：道路普通货物运输、货物专用运输（集装箱）；核定营运车辆%d辆" % n
    else:
        content = "经营范围：道路普通货物运输；营运车辆1辆（%s）" % ids.plate()
    return dict(XKLB="普通", XKZS="道路运输经营许可证", NR=content, years=4,
                XKBH="鲁交运管许可示字" + ids.county(1.0) + serial(rng), ZRBM="行政审批科")


def xkPassenger(ids, party, day):
    lines = ["示范市—济南市", "示范市—青岛市", "示范市—郑州市", "示范市—日照市", "示范市—徐州市"]
    content = "经营范围：县际班车客运、市际班车客运、市际包车客运；班线：%s，日发%d班" % (
        ids.rng.choice(lines), ids.rng.randint(2, 8))
    return dict(XKLB="普通", XKZS="道路运输经营许可证", NR=content, years=4,
                XKBH="鲁交运管许可示字" + ids.county(1.0) + serial(ids.rng), ZRBM="行政审批科")


def xkDangerous(ids, party, day):
    classes = ids.rng.choice(["第2类、第3类", "第3类", "第8类", "第3类、第8类、第9类"])
    content = "经营范围：经营性道路危险货物运输（%s）；专用车辆%d辆" % (classes, ids.rng.randint(5, 30))
    return dict(XKLB="普通", XKZS="道路运输经营许可证", NR=content, years=4,
                XKBH="鲁交运管许可示字" + ids.county(1.0) + serial(ids.rng), ZRBM="行政审批科")


def xkQualification(ids, party, day):
    kind = ids.rng.choice(["经营性道路货物运输驾驶员", "经营性道路旅客运输驾驶员",
                           "道路危险货物运输驾驶员", "道路危险货物运输押运人员"])
    return dict(XKLB="认可", XKZS="中华人民共和国道路运输从业人员从业资格证",
                NR="从业资格类别：" + kind, years=6,
                XKBH="示交从" + day.strftime("%Y") + serial(ids.rng, 8), ZRBM="运输管理科")


def xkTaxiDriver(ids, party, day):
    cert = ids.rng.choice(["网络预约出租汽车驾驶员证", "巡游出租汽车驾驶员证"])
    return dict(XKLB="认可", XKZS=cert, NR="出租汽车驾驶员从业资格（%s）" % cert[:-4], years=6,
                XKBH="示交出驾" + serial(ids.rng, 8), ZRBM="运输管理科")


def xkTaxiCompany(ids, party, day):
    n = ids.rng.randint(20, 200)
    return dict(XKLB="特许", XKZS="出租汽车经营资格证",
                NR="巡游出租汽车客运经营，车辆经营权%d个，经营区域：示范市城区" % n, years=6,
                XKBH="示交出经" + serial(ids.rng, 6), ZRBM="运输管理科")


def xkRideHailingCompany(ids, party, day):
    return dict(XKLB="普通", XKZS="网络预约出租汽车经营许可证",
                NR="网络预约出租汽车经营，经营区域：示范市行政区域", years=4,
                XKBH="示网约经" + serial(ids.rng, 6), ZRBM="运输管理科")


def xkRideHailingVehicle(ids, party, day):
    return dict(XKLB="普通", XKZS="网络预约出租汽车运输证",
                NR="车辆%s登记为预约出租客运，经营区域：示范市行政区域" % ids.plate(), years=6,
                XKBH="示网约运" + serial(ids.rng, 8), ZRBM="运输管理科")


def xkOversize(ids, party, day):
    rng = ids.rng
    weight = rng.choice([55, 62, 70, 85, 98, 120, 146])
    content = "超限运输车辆行驶公路许可：车辆%s，货物：%s，车货总质量%d吨；通行路线：G205国道示范段—S231省道示范段" % (
        ids.plate(), rng.choice(["风电叶片", "变压器", "大型挖掘机", "预制箱梁", "盾构机部件"]), weight)
    # A 超限 permit is for one trip: days, not years (realism over a uniform 1..6 years).
    return dict(XKLB="普通", XKZS="超限运输车辆通行证", NR=content, days=rng.choice([15, 30, 60, 90]),
                XKBH="示超限" + day.strftime("%Y%m") + serial(rng, 4), ZRBM="路政科")


def xkRoadConstruction(ids, party, day):
    rng = ids.rng
    road = rng.choice(["S231示范段改建工程", "G205示范市绕城段大中修工程", "示范市沭河大桥拓宽工程",
                       "X012示范段农村公路提档升级工程", "S342示范段路面改造工程"])
    content = "公路建设项目施工许可：项目名称%s，建设里程%.1f公里，概算投资%d万元" % (
        road, rng.randint(25, 400) / 10, rng.randint(800, 60000))
    return dict(XKLB="普通", XKZS="", NR=content, longTerm=True,
                XKBH="示交建施" + day.strftime("%Y") + serial(rng, 3), ZRBM="行政审批科")


def xkRoadWork(ids, party, day):
    rng = ids.rng
    what = rng.choice(["埋设通信光缆管道", "架设跨越公路电力线路", "增设平面交叉道口", "穿越公路铺设燃气管道"])
    content = "涉路施工许可：在%s%s，施工期限%d日" % (rng.choice(PLACES[1:3] + PLACES[9:]), what,
                                               rng.choice([30, 60, 90]))
    return dict(XKLB="普通", XKZS="", NR=content, years=1,
                XKBH="示路许" + day.strftime("%Y") + serial(rng, 4), ZRBM="路政科")


def xkSign(ids, party, day):
    rng = ids.rng
    content = "在%s公路用地外缘设置非公路标志（广告牌）1处，规格%d米×%d米" % (
        rng.choice(PLACES[1:3] + PLACES[9:]), rng.choice([6, 8, 12]), rng.choice([3, 4, 5]))
    return dict(XKLB="普通", XKZS="", NR=content, years=rng.choice([2, 3]),
                XKBH="示路标" + day.strftime("%Y") + serial(rng, 4), ZRBM="路政科")


def xkPort(ids, party, day):
    content = "港口经营许可：为船舶提供码头设施；在港区内从事货物装卸、仓储服务；经营地域：示范港%s作业区" % (
        ids.rng.choice(["临港", "沭河", "北岸", "新港"]))
    return dict(XKLB="普通", XKZS="港口经营许可证", NR=content, years=3,
                XKBH="（鲁示）港经证（%s）号" % serial(ids.rng, 4), ZRBM="港航科")


def xkShoreline(ids, party, day):
    content = "港口岸线使用：示范港临港作业区%d米岸线，建设%d个%d吨级泊位" % (
        ids.rng.choice([180, 240, 320]), ids.rng.randint(1, 3), ids.rng.choice([1000, 2000, 3000]))
    return dict(XKLB="核准", XKZS="", NR=content, longTerm=True,
                XKBH="示港岸" + day.strftime("%Y") + serial(ids.rng, 3), ZRBM="港航科")


def xkWaterway(ids, party, day):
    content = "国内水路运输经营许可：经营范围为省内普通货船运输，船舶%d艘" % ids.rng.randint(2, 12)
    return dict(XKLB="普通", XKZS="国内水路运输经营许可证", NR=content, years=5,
                XKBH="交鲁XK" + serial(ids.rng, 4), ZRBM="港航科")


# (generator, holders, weight); public=True means a 事业单位 applies
XK_CATALOGUE = [
    (xkFreight, (LEGAL, INDIVIDUAL_BUSINESS), 30),
    (xkPassenger, (LEGAL,), 5),
    (xkDangerous, (LEGAL,), 6),
    (xkQualification, (PERSON,), 18),
    (xkTaxiDriver, (PERSON,), 8),
    (xkTaxiCompany, (LEGAL,), 3),
    (xkRideHailingCompany, (LEGAL,), 3),
    (xkRideHailingVehicle, (PERSON, INDIVIDUAL_BUSINESS), 6),
    (xkOversize, (LEGAL, INDIVIDUAL_BUSINESS, PERSON), 14),
    (xkRoadConstruction, (LEGAL,), 4),
    (xkRoadWork, (LEGAL,), 5),
    (xkSign, (LEGAL, INDIVIDUAL_BUSINESS), 4),
    (xkPort, (LEGAL,), 3),
    (xkShoreline, (LEGAL,), 1),
    (xkWaterway, (LEGAL,), 2),
]

COMPANY_SUFFIX_FOR = {
    xkPassenger: ["客运有限公司", "汽车客运有限公司", "公共交通有限公司"],
    xkDangerous: ["危险货物运输有限公司", "化工物流有限公司"],
    xkTaxiCompany: ["出租汽车有限公司", "出租客运有限公司"],
    xkRideHailingCompany: ["网络科技有限公司", "出行服务有限公司"],
    xkRoadConstruction: ["交通发展集团有限公司", "路桥建设有限公司", "公路工程有限公司"],
    xkRoadWork: ["通信工程有限公司", "燃气有限公司", "电力工程有限公司"],
    xkSign: ["广告传媒有限公司", "文化传播有限公司"],
    xkPort: ["港务有限公司", "港口物流有限公司"],
    xkShoreline: ["港务有限公司", "港口发展有限公司"],
    xkWaterway: ["航运有限公司", "船务有限公司"],
}

XK_NOTES = ["", "", "", "", "网上办理", "延续", "变更（法定代表人）", "告知承诺制办理", "首次申请"]


def weightedPick(rng, entries, kind):
    eligible = [e for e in entries if kind in e[1]]
    total = sum(e[2] for e in eligible)
    r = rng.uniform(0, total)
    for e in eligible:
        r -= e[2]
        if r <= 0:
            return e
    return eligible[-1]


def authorityFields(kind, authorityCode):
    if kind == "xk":
        return {"XK_XKJG": AUTHORITY, "XK_XKJGDM": authorityCode,
                "XK_LYDW": AUTHORITY, "XK_LYDWDM": authorityCode}
    return {"CF_CFJG": AUTHORITY, "CF_CFJGDM": authorityCode,
            "CF_SJLY": AUTHORITY, "CF_SJLYDM": authorityCode}


def prefixed(prefix, partyFields):
    return {prefix + k: v for k, v in partyFields.items()}


def makeXk(ids, authorityCode, kind=None, party=None, generator=None, day=None):
    rng = ids.rng
    kind = kind or (party.kind if party else pickKind(rng))
    if generator is None:
        generator = weightedPick(rng, XK_CATALOGUE, kind)[0]
    if party is None:
        party = partyOfKind(ids, kind, **({"suffixes": COMPANY_SUFFIX_FOR[generator]}
                                         if kind == LEGAL and generator in COMPANY_SUFFIX_FOR else {}))
        if generator is xkRoadConstruction and rng.random() < 0.5:
            party = ids.publicBody(rng.choice(PUBLIC_BODIES))
    day = day or decisionDate(rng)
    lic = generator(ids, party, day)
    if lic.get("longTerm") or (lic.get("years") and rng.random() < 0.08):
        until = LONG_TERM
    elif "days" in lic:
        until = day + dt.timedelta(days=lic["days"] - 1)
    else:
        until = addYears(day, lic["years"]) - dt.timedelta(days=1)
    rec = prefixed("XK_", party.fields)
    rec.update({"XK_XKWS": "准予行政许可决定书", "XK_XKLB": lic["XKLB"], "XK_XKZS": lic["XKZS"],
                "XK_XKBH": lic["XKBH"], "XK_NR": lic["NR"], "XK_JDRQ": day, "XK_YXQZ": day,
                "XK_YXQZI": until, "XK_ZT": "有效", "BZ": rng.choice(XK_NOTES), "ZRBM": lic["ZRBM"]})
    rec.update(authorityFields("xk", authorityCode))
    return rec


# ---------------------------------------------------------------------------------------------
# 行政处罚 catalogue

ROAD_REG = "《中华人民共和国道路运输条例》"


def fine(rec, yuan, extra=""):
    rec["CF_NR_FK"] = wanyuan(yuan)
    return "罚款人民币%d元（%s）%s" % (yuan, yuanInWords(yuan), extra)


def cfPermitNotCarried(ids, party, day, rec):
    rng = ids.rng
    plate = ids.plate()
    rec["CF_WFXW"] = "未按规定携带道路运输证"
    rec["CF_SY"] = "%s，执法人员在%s检查时发现，当事人所属%s重型半挂牵引车从事道路货物运输，驾驶员未随车携带《道路运输证》，且无法当场提供其他有效证明。" % (
        fmtDate(day - dt.timedelta(days=rng.randint(3, 20)), "-"), rng.choice(PLACES), plate)
    rec["CF_YJ"] = ROAD_REG + "第三十四条、第六十八条"
    if rng.random() < 0.45:
        rec["CF_CFLB"] = "警告"
        rec["CF_NR"] = "责令改正，给予警告"
    else:
        rec["CF_CFLB"] = "罚款"
        rec["CF_NR"] = "责令改正，" + fine(rec, rng.choice([50, 100, 150, 200]))
    return "一大队二大队"


def cfUnlicensed(ids, party, day, rec):
    rng = ids.rng
    rec["CF_WFXW"] = "未取得道路运输经营许可擅自从事道路运输经营"
    if party.kind == PERSON and rng.random() < 0.5:
        fare = rng.choice([40, 60, 80, 120, 150])
        rec["CF_SY"] = "当事人驾驶%s小型普通客车，未取得道路客运经营许可，在%s招揽乘客从事道路旅客运输经营，收取运费%d元。" % (
            ids.plate(), rng.choice(PLACES[4:9]), fare)
        rec["CF_YJ"] = ROAD_REG + "第十条、第六十三条"
        rec["CF_CFLB"] = "没收违法所得;罚款"
        rec["CF_NR_WFFF"] = wanyuan(fare)
        rec["CF_NR"] = "责令停止经营，没收违法所得人民币%d元，并处%s" % (fare, fine(rec, 30000))
        return "一大队二大队"
    rec["CF_SY"] = "经查，当事人未取得道路运输经营许可，使用%s从事道路普通货物运输经营，运输%s%d吨，运费%d元。" % (
        ids.plate(), rng.choice(CARGO), rng.randint(10, 40), rng.choice([600, 900, 1500, 2400]))
    rec["CF_YJ"] = ROAD_REG + "第二十四条、第六十三条"
    rec["CF_CFLB"] = "罚款"
    rec["CF_NR"] = "责令停止经营，" + fine(rec, rng.choice([3000, 4000, 5000, 8000, 10000]))
    return "一大队二大队"


def cfOverload(ids, party, day, rec):
    rng = ids.rng
    limit = 49.0
    over_kg = rng.choice([600, 800] + list(range(1500, 70000, 1300)))
    total = limit + over_kg / 1000
    who = "驾驶" if party.kind == PERSON else "所属"
    rec["CF_WFXW"] = "车辆违法超限运输"
    rec["CF_SY"] = "当事人%s的%s六轴重型半挂汽车列车装载%s，在%s经检测车货总质量%.2f吨，超过限定标准（49吨）%.2f吨。" % (
        who, ids.plate(), rng.choice(CARGO), PLACES[0], total, over_kg / 1000)
    rec["CF_YJ"] = ("《中华人民共和国公路法》第五十条、第七十六条第（五）项；"
                    "《超限运输车辆行驶公路管理规定》第四十三条第一款第（二）项")
    if over_kg <= 1000:
        rec["CF_CFLB"] = "警告"
        rec["CF_NR"] = "责令停止违法行为，卸载超限部分，给予警告"
    else:
        rec["CF_CFLB"] = "罚款"
        rec["CF_NR"] = "责令停止违法行为，卸载超限部分，" + fine(rec, min(over_kg // 1000 * 500, 30000))
    return "三大队"


def cfNoQualification(ids, party, day, rec):
    rng = ids.rng
    rec["CF_WFXW"] = "未取得从业资格证驾驶道路运输经营车辆"
    rec["CF_SY"] = "当事人在未取得道路运输从业资格证的情况下，驾驶%s从事道路货物运输经营，于%s被查获。" % (
        ids.plate(), rng.choice(PLACES))
    rec["CF_YJ"] = ROAD_REG + "第二十二条、第六十四条"
    rec["CF_CFLB"] = "罚款"
    rec["CF_NR"] = "责令改正，" + fine(rec, rng.choice([200, 500, 800, 1000, 2000]))
    return "一大队二大队"


def cfRideHailing(ids, party, day, rec):
    rng = ids.rng
    plate = ids.plate()
    rec["CF_YJ"] = "《网络预约出租汽车经营服务管理暂行办法》第三十四条"
    rec["CF_CFLB"] = "警告;罚款"
    if party.kind == PERSON and rng.random() < 0.6:
        rec["CF_WFXW"] = "未取得网络预约出租汽车驾驶员证从事网约车经营活动"
        rec["CF_SY"] = "当事人未取得《网络预约出租汽车驾驶员证》，驾驶%s通过网约车平台接单，在%s送客时被查获。" % (
            plate, rng.choice(PLACES[4:9]))
        rec["CF_YJ"] += "第（三）项"
        yuan = rng.choice([200, 500, 1000, 2000])
    else:
        rec["CF_WFXW"] = "未取得网络预约出租汽车运输证从事网约车经营活动"
        rec["CF_SY"] = "当事人所属%s未取得《网络预约出租汽车运输证》，通过网约车平台从事网约车经营活动。" % plate
        rec["CF_YJ"] += "第（二）项"
        yuan = rng.choice([3000, 5000, 8000, 10000])
    rec["CF_NR"] = "责令改正，予以警告，并处" + fine(rec, yuan)
    return "一大队二大队"


def cfTaxiRefusal(ids, party, day, rec):
    rng = ids.rng
    rec["CF_WFXW"] = "巡游出租汽车驾驶员拒载、议价"
    rec["CF_SY"] = "当事人驾驶%s巡游出租汽车在%s拒绝载客并与乘客议价，经乘客投诉、调取车载视频查实。" % (
        ids.plate(), rng.choice(PLACES[4:9]))
    rec["CF_YJ"] = "《示范市出租汽车管理条例》第二十六条、第四十二条"
    rec["CF_CFLB"] = "罚款;暂扣许可证件"
    days = rng.choice([15, 30])
    rec["CF_NR_ZKDX"] = "巡游出租汽车驾驶员证（证号示交出驾%s），暂扣%d日" % (serial(rng, 8), days)
    rec["CF_NR"] = fine(rec, rng.choice([200, 500]), "，暂扣巡游出租汽车驾驶员证%d日" % days)
    return "一大队二大队"


def cfRoadOccupation(ids, party, day, rec):
    rng = ids.rng
    rec["CF_WFXW"] = "擅自占用、挖掘公路"
    rec["CF_SY"] = "当事人未经许可，在%s擅自挖掘公路路肩埋设管线，占用公路面积约%d平方米。" % (
        rng.choice(PLACES[1:3] + PLACES[9:]), rng.randint(8, 120))
    rec["CF_YJ"] = "《中华人民共和国公路法》第四十四条第一款、第七十六条第（一）项"
    rec["CF_CFLB"] = "罚款"
    rec["CF_NR"] = "责令停止违法行为，" + fine(rec, rng.choice([5000, 8000, 10000, 20000, 30000]))
    return "三大队"


def cfPortUnlicensed(ids, party, day, rec):
    rng = ids.rng
    gain = rng.choice([12000, 26000, 38500, 64000])
    rec["CF_WFXW"] = "未依法取得港口经营许可证从事港口经营"
    rec["CF_SY"] = "当事人未取得港口经营许可证，在示范港沭河作业区自建简易码头从事%s装卸经营，违法所得%d元。" % (
        rng.choice(["砂石", "煤炭", "钢材"]), gain)
    rec["CF_YJ"] = "《中华人民共和国港口法》第二十二条、第五十条"
    rec["CF_CFLB"] = "没收违法所得;罚款"
    rec["CF_NR_WFFF"] = wanyuan(gain)
    rec["CF_NR"] = "责令停止违法经营，没收违法所得人民币%d元，并处%s" % (
        gain, fine(rec, rng.choice([50000, 60000, 80000])))
    return "港航科"


CF_CATALOGUE = [
    (cfPermitNotCarried, (LEGAL, INDIVIDUAL_BUSINESS), 22),
    (cfUnlicensed, (LEGAL, INDIVIDUAL_BUSINESS, PERSON), 14),
    (cfOverload, (LEGAL, INDIVIDUAL_BUSINESS, PERSON), 30),
    (cfNoQualification, (PERSON,), 10),
    (cfRideHailing, (PERSON, INDIVIDUAL_BUSINESS), 8),
    (cfTaxiRefusal, (PERSON,), 5),
    (cfRoadOccupation, (LEGAL,), 5),
    (cfPortUnlicensed, (LEGAL,), 2),
]

CF_SUFFIX_FOR = {
    cfRoadOccupation: ["通信工程有限公司", "燃气有限公司", "建筑工程有限公司"],
    cfPortUnlicensed: ["建材有限公司", "砂石料有限公司", "港口物流有限公司"],
}


def cfDepartment(rng, hint):
    if hint == "一大队二大队":
        return rng.choice(CF_DEPARTMENTS[:2])
    return {"三大队": CF_DEPARTMENTS[2], "港航科": CF_DEPARTMENTS[3]}[hint]


def summaryProcedureAllowed(rec, kind):
    """行政处罚法 (2021) 第五十一条: 当场 decisions only for 警告 or fines up to 200元 (公民) /
    3000元 (法人、其他组织)."""
    if rec["CF_CFLB"] == "警告":
        return True
    limit = Decimal("0.02") if kind == PERSON else Decimal("0.3")
    return rec["CF_CFLB"] == "罚款" and Decimal(rec["CF_NR_FK"]) <= limit


def makeCf(ids, authorityCode, kind=None, party=None, generator=None, day=None):
    rng = ids.rng
    kind = kind or (party.kind if party else pickKind(rng))
    if generator is None:
        generator = weightedPick(rng, CF_CATALOGUE, kind)[0]
    if party is None:
        party = partyOfKind(ids, kind, **({"suffixes": CF_SUFFIX_FOR[generator]}
                                         if kind == LEGAL and generator in CF_SUFFIX_FOR else {}))
    day = day or decisionDate(rng)
    rec = prefixed("CF_", party.fields)
    hint = generator(ids, party, day, rec)
    rec.update({"CF_JDRQ": day, "CF_YXQ": addYears(day, 1), "CF_GSJZQ": "",
                "BZ": rng.choice(["", "", "", "", "简易程序", "已缴纳罚款", "已履行完毕"]),
                "ZRBM": cfDepartment(rng, hint)})
    if "罚款" not in rec["CF_CFLB"] and rec["BZ"] == "已缴纳罚款":
        rec["BZ"] = ""
    if rec["BZ"] == "简易程序" and not summaryProcedureAllowed(rec, party.kind):
        rec["BZ"] = ""
    rec.update(authorityFields("cf", authorityCode))
    return rec


# ---------------------------------------------------------------------------------------------
# Files

class SampleFile:
    def __init__(self, name, kind, fields, header, encoding, bom, newline, description):
        self.name, self.kind, self.fields, self.header = name, kind, fields, header
        self.encoding, self.bom, self.newline, self.description = encoding, bom, newline, description
        self.records = []   # dicts, in file order
        self.lines = []     # physical line where each record starts (header = line 1)
        self.notes = {}     # record index -> ("defect"|"platform"|"edge", field, text)

    def headerNames(self):
        return [code if self.header == "codes" else cn for code, cn in self.fields]


def dateStyleFor(rng):
    return "/" if rng.random() < 0.6 else "-"


def serialise(sample, rng):
    """Writes the CSV text (str) and records each row's starting physical line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=sample.newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(sample.headerNames())
    line = 2
    dateFields = XK_DATE_FIELDS if sample.kind == "xk" else CF_DATE_FIELDS
    for rec in sample.records:
        style = rec.pop("_dateStyle", None) or dateStyleFor(rng)
        row = []
        for code, _ in sample.fields:
            value = rec.get(code, "")
            if code in dateFields and value != "":
                value = fmtDate(value, style)
            row.append(value)
        before = out.tell()
        writer.writerow(row)
        sample.lines.append(line)
        line += out.getvalue()[before:].count("\n")
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Building the sample set

def build(rng, ids):
    # 机关 organisation codes issued since 2015 start with MB; this one is made up.
    authorityCode = ids.uscc("11", AUTHORITY_DIVISION, "MB202600" + orgCodeCheckChar("MB202600"))
    xk = SampleFile("xk_2026_utf8.csv", "xk", XK_FIELDS, "chinese", "utf-8", True, "\n",
                    "行政许可, UTF-8 with BOM, standard Chinese header names (domain.md §2.1) + 责任部门, LF")
    cfc = SampleFile("cf_2026_codes_utf8.csv", "cf", CF_FIELDS, "codes", "utf-8", False, "\n",
                     "行政处罚, UTF-8 without BOM, field-code header (CF_XDR_MC … BZ) + ZRBM, LF")
    cfg = SampleFile("cf_2026_gb18030.csv", "cf", CF_FIELDS, "chinese", "gb18030", False, "\r\n",
                     "行政处罚, GB18030, standard Chinese header names (domain.md §2.2) + 责任部门, CRLF (Excel on Windows)")
    bad = SampleFile("cf_2026_bad_bytes_gbk.csv", "cf", CF_FIELDS, "chinese", "gbk", False, "\r\n",
                     "行政处罚, GBK, Chinese header + 责任部门, CRLF; one row holds bytes invalid in GB18030")

    for _ in range(180):
        xk.records.append(makeXk(ids, authorityCode))
    for sample, n in ((cfc, 120), (cfg, 80), (bad, 10)):
        for _ in range(n):
            sample.records.append(makeCf(ids, authorityCode))

    # Valid edge cases worth seeing in the demo.
    placeholder = makeXk(ids, authorityCode, kind=INDIVIDUAL_BUSINESS, generator=xkFreight)
    division = placeholder["XK_XDR_SHXYM"][2:8]
    placeholder["XK_XDR_SHXYM"] = "00000000000000000X"
    placeholder["XK_XDR_GSZC"] = ids.gszc(division)
    placeholder["XK_FR_ZJLX"] = placeholder["XK_FR_ZJHM"] = ""
    insertAt(rng, xk, placeholder, ("edge", "XK_XDR_SHXYM",
             "个体工商户 without a USCC: placeholder 00000000000000000X with 工商注册号 filled (valid per §2.1)"))

    multiline = makeCf(ids, authorityCode, kind=LEGAL, generator=cfOverload)
    multiline["CF_SY"] = multiline["CF_SY"] + "\n当事人对上述违法事实无异议，已当场卸载超限部分。"
    insertAt(rng, cfc, multiline, ("edge", "CF_SY",
             "违法事实 spans two physical lines inside quotes (as Excel exports Alt+Enter)"))

    # Platform-rejected but gateway-valid: names containing 测试.
    t1 = makeXk(ids, authorityCode, party=legalParty(ids, name="示范市测试物流有限公司"), generator=xkFreight)
    insertAt(rng, xk, t1, ("platform", "XK_XDR_MC", "name contains 测试: the mock platform rejects it"))
    t2 = makeCf(ids, authorityCode, party=legalParty(ids, name="示范市安达测试运输有限公司"), generator=cfOverload)
    insertAt(rng, cfg, t2, ("platform", "CF_XDR_MC", "name contains 测试: the mock platform rejects it"))

    # Same 文书号, different 相对人, in two files: the platform rejects whichever arrives second.
    d1 = makeCf(ids, authorityCode, kind=LEGAL, generator=cfPermitNotCarried, day=RECENT_DAYS[3])
    d2 = makeCf(ids, authorityCode, kind=INDIVIDUAL_BUSINESS, generator=cfOverload, day=RECENT_DAYS[3])
    d1["_dup"] = d2["_dup"] = True
    insertAt(rng, cfc, d1, None)
    insertAt(rng, cfg, d2, None)

    numberDocuments(rng, [xk], "示交许〔2026〕%04d号", "XK_WSH", 812)
    numberDocuments(rng, [cfc, cfg, bad], "示交罚〔2026〕第%04d号", "CF_WSH", 431)
    d2["CF_WSH"] = d1["CF_WSH"]
    cfc.notes[cfc.records.index(d1)] = ("platform", "CF_WSH", "same 文书号 %s as %s (other 相对人): "
                                        "accepted if sent first" % (d1["CF_WSH"], cfg.name))
    cfg.notes[cfg.records.index(d2)] = ("platform", "CF_WSH", "same 文书号 %s as %s (other 相对人): "
                                        "the platform rejects it as a duplicate when sent second" % (d2["CF_WSH"], cfc.name))
    injectDefects(rng, ids, xk, cfc, cfg)

    bi = rng.randrange(3, 8)
    bad.records[bi]["CF_XDR_MC"] = bad.records[bi]["CF_XDR_MC"].replace("示范市", "示范市@@BAD@@", 1)
    bad.notes[bi] = ("defect", "CF_XDR_MC", "raw bytes 0x81 0x20 inside the name: not a valid GB18030/GBK "
                     "sequence -> encoding problem on this line, column 行政相对人名称")
    return authorityCode, [xk, cfc, cfg, bad]


def insertAt(rng, sample, rec, note):
    """Inserts at a random position, shifting earlier notes (they are keyed by index)."""
    i = rng.randrange(1, len(sample.records))
    sample.records.insert(i, rec)
    sample.notes = {(k + 1 if k >= i else k): v for k, v in sample.notes.items()}
    if note:
        sample.notes[i] = note


def numberDocuments(rng, samples, pattern, field, start):
    """文书号 numbered in decision-date order across files, with gaps (records not in the sample)."""
    everything = [(r[field.split("_")[0] + "_JDRQ"], si, ri)
                  for si, s in enumerate(samples) for ri, r in enumerate(s.records)]
    everything.sort(key=lambda t: (t[0], t[1], t[2]))
    number = start
    for _, si, ri in everything:
        number += rng.randint(1, 3)
        samples[si].records[ri][field] = pattern % number


# ---------------------------------------------------------------------------------------------
# Defects: ~8% of the rows, each a single clear problem.

def brokenUscc(code):
    good = code[17]
    return code[:17] + USCC_CHARSET[(USCC_CHARSET.index(good) + 7) % 31]


def brokenId(number):
    good = number[17]
    for c in "0123456789X":
        if c != good:
            return number[:17] + c
    raise AssertionError


def longLicenceContent(rng, ids):
    parts = ["经营范围：道路普通货物运输、货物专用运输（集装箱、冷藏保鲜）、大型物件运输；核定营运车辆明细如下："]
    n = 0
    while sum(len(p) for p in parts) <= 4200:
        n += 1
        parts.append("%d.%s重型半挂牵引车，道路运输证号鲁交运管示字%s，核定载质量%d千克；" % (
            n, ids.plate(), serial(rng, 12), rng.choice([25000, 30500, 31000, 40000])))
    return "".join(parts)


def injectDefects(rng, ids, xk, cfc, cfg):
    def candidates(sample, test):
        return [i for i, r in enumerate(sample.records) if i not in sample.notes and not r.get("_dup")
                and test(r)]

    def take(sample, test):
        return rng.choice(candidates(sample, test))

    def note(sample, i, field, text):
        sample.notes[i] = ("defect", field, text)

    orgOrIndividual = lambda p: lambda r: r[p + "XDR_LB"] != PERSON
    person = lambda p: lambda r: r[p + "XDR_LB"] == PERSON

    # --- xk: 14 defects
    for _ in range(2):
        i = take(xk, orgOrIndividual("XK_"))
        r = xk.records[i]
        good = r["XK_XDR_SHXYM"]
        r["XK_XDR_SHXYM"] = brokenUscc(good)
        note(xk, i, "XK_XDR_SHXYM", "统一社会信用代码 %s: check character '%s', expected '%s'" % (
            r["XK_XDR_SHXYM"], r["XK_XDR_SHXYM"][17], good[17]))
    for _ in range(2):
        i = take(xk, lambda r: True)
        xk.records[i]["XK_WSH"] = ""
        xk.records[i]["XK_XKBH"] = ""  # otherwise 许可编号 could stand in for it (§2.1)
        note(xk, i, "XK_WSH", "行政许可决定文书号 missing (许可编号 empty too, so nothing can stand in)")
    for _ in range(2):
        i = take(xk, person("XK_"))
        r = xk.records[i]
        good = r["XK_XDR_ZJHM"]
        r["XK_XDR_ZJHM"] = brokenId(good)
        note(xk, i, "XK_XDR_ZJHM", "自然人 身份证号 with a wrong check digit ('%s', expected '%s')" % (
            r["XK_XDR_ZJHM"][17], good[17]))
    i = take(xk, lambda r: r["XK_YXQZI"] != LONG_TERM)
    xk.records[i]["XK_YXQZ"] = "2026-02-30"
    note(xk, i, "XK_YXQZ", "有效期自 is 2026-02-30, a date that does not exist")
    i = take(xk, lambda r: r["XK_XDR_LB"] == LEGAL and r["XK_XKZS"] == "道路运输经营许可证")
    xk.records[i]["XK_NR"] = longLicenceContent(rng, ids)
    note(xk, i, "XK_NR", "许可内容 is %d characters, over the 4000 allowed" % len(xk.records[i]["XK_NR"]))
    for _ in range(2):
        i = take(xk, lambda r: r["XK_YXQZI"] != LONG_TERM)
        r = xk.records[i]
        r["XK_YXQZI"] = r["XK_YXQZI"].replace(year=r["XK_JDRQ"].year - 1)
        note(xk, i, "XK_YXQZI", "有效期至 %s is before 有效期自 %s (year typed wrong)" % (
            r["XK_YXQZI"], r["XK_YXQZ"]))
    for value in ("行政审批", "备案"):
        i = take(xk, lambda r: True)
        xk.records[i]["XK_XKLB"] = value
        note(xk, i, "XK_XKLB", "许可类别 \"%s\" is not in the code table (普通/特许/认可/核准/登记/其他)" % value)
    i = take(xk, lambda r: r["XK_YXQZI"] != LONG_TERM)
    xk.records[i]["XK_YXQZI"] = "2027-02-30"
    note(xk, i, "XK_YXQZI", "有效期至 is 2027-02-30, a date that does not exist")

    # --- cf: 10 in the codes file, 6 in the GB18030 file
    for sample, counts in ((cfc, dict(uscc=2, wsh=1, id=2, date=1, fk=2, lb=2)),
                           (cfg, dict(uscc=1, wsh=1, id=1, date=0, fk=2, lb=1))):
        for _ in range(counts["uscc"]):
            i = take(sample, orgOrIndividual("CF_"))
            r = sample.records[i]
            good = r["CF_XDR_SHXYM"]
            r["CF_XDR_SHXYM"] = brokenUscc(good)
            note(sample, i, "CF_XDR_SHXYM", "统一社会信用代码 %s: check character '%s', expected '%s'" % (
                r["CF_XDR_SHXYM"], r["CF_XDR_SHXYM"][17], good[17]))
        for _ in range(counts["wsh"]):
            i = take(sample, lambda r: True)
            sample.records[i]["CF_WSH"] = ""
            note(sample, i, "CF_WSH", "行政处罚决定书文号 missing")
        for _ in range(counts["id"]):
            i = take(sample, person("CF_"))
            r = sample.records[i]
            good = r["CF_XDR_ZJHM"]
            r["CF_XDR_ZJHM"] = brokenId(good)
            note(sample, i, "CF_XDR_ZJHM", "自然人 身份证号 with a wrong check digit ('%s', expected '%s')" % (
                r["CF_XDR_ZJHM"][17], good[17]))
        for _ in range(counts["date"]):
            i = take(sample, lambda r: True)
            sample.records[i]["CF_JDRQ"] = "2026-02-30"
            sample.records[i]["CF_YXQ"] = dt.date(2027, 2, 28)
            note(sample, i, "CF_JDRQ", "处罚决定日期 is 2026-02-30, a date that does not exist")
        for _ in range(counts["fk"]):
            i = take(sample, lambda r: "罚款" in r["CF_CFLB"])
            sample.records[i]["CF_NR_FK"] = ""
            note(sample, i, "CF_NR_FK", "处罚类别 \"%s\" includes 罚款 but 罚款金额 is empty" %
                 sample.records[i]["CF_CFLB"])
        for _ in range(counts["lb"]):
            i = take(sample, lambda r: r["CF_CFLB"] in ("警告", "罚款"))
            r = sample.records[i]
            r["CF_CFLB"] = "严重警告"
            r["CF_NR"] = "责令改正，给予严重警告"
            r["CF_NR_FK"] = ""
            note(sample, i, "CF_CFLB", "处罚类别 \"严重警告\" is not a category of 行政处罚法 第九条")


# ---------------------------------------------------------------------------------------------
# Writing

def writeSample(sample, outDir, rng):
    text = serialise(sample, rng)
    if sample.encoding == "utf-8":
        data = ("\ufeff" if sample.bom else "").encode("utf-8") + text.encode("utf-8")
    else:
        data = text.encode(sample.encoding).replace(b"@@BAD@@", b"\x81\x20")
    with open(os.path.join(outDir, sample.name), "wb") as f:
        f.write(data)


def countBy(sample, field):
    counts = {}
    for r in sample.records:
        key = r.get(field, "")
        counts[key] = counts.get(key, 0) + 1
    return counts


def timeliness(sample):
    field = "XK_JDRQ" if sample.kind == "xk" else "CF_JDRQ"
    recent = sum(1 for r in sample.records if isinstance(r[field], dt.date) and r[field] >= RECENT_DAYS[0])
    return recent, len(sample.records) - recent


def writeReadme(outDir, authorityCode, samples):
    L = []
    w = L.append
    w("# Sample records for `creditgw demo`")
    w("")
    w("Generated by `python3 tools/make-samples.py` (deterministic, seed %d; stdlib only). Do not edit" % SEED)
    w("these files by hand: change the script and regenerate, so this README's line numbers stay right.")
    w("`python3 tools/make-samples.py --out /tmp/s` writes elsewhere, e.g. to diff against this folder.")
    w("The script ends by re-reading what it wrote and checking it (row counts, headers, encodings,")
    w("every identifier meant to be valid, every defect) and fails loudly on a mismatch.")
    w("")
    w("Everything here is **fictional**: the authority, the companies, the people, the plates")
    w("(\"示A·…\" plates do not exist). Identifiers are computed to be valid, so any match with a real")
    w("one is a coincidence. The division codes inside them are real (GB/T 2260, 2024 list, Shandong")
    w("37xxxx and Henan 41xxxx), as the check rules require.")
    w("")
    w("## The authority")
    w("")
    w("| | |")
    w("|---|---|")
    w("| 名称 | %s |" % AUTHORITY)
    w("| 统一社会信用代码 | `%s` (11 = 机关; division %s is borrowed for the fictional 示范市) |" % (
        authorityCode, AUTHORITY_DIVISION))
    w("| role | 许可机关 / 处罚机关 and 数据来源单位 of every record |")
    w("| 责任部门 (column 责任部门 / ZRBM) | 行政许可: %s; 行政处罚: %s |" % (
        "、".join(XK_DEPARTMENTS), "、".join(CF_DEPARTMENTS)))
    w("")
    w("`creditgw demo` never reads these dates as they are: it copies the files to `WORK_DIR/samples`")
    w("with every date moved by whole weeks so that the newest decisions fall in the week before today")
    w("(or `--as-of`), keeping 2099/12/31 and the planted impossible dates, and replays each row's upload")
    w("on its decision date plus a delay drawn from its 文书号 (1 to 23 days); rows whose upload day has")
    w("not come yet wait in the queue. Line numbers stay those listed below.")
    w("")
    w("## Files")
    w("")
    w("| file | rows | what |")
    w("|---|---|---|")
    for s in samples:
        w("| `%s` | %d | %s |" % (s.name, len(s.records), s.description))
    w("")
    w("Common to all files:")
    w("- Dates are `yyyy/MM/dd` or `yyyy-MM-dd`, chosen per row (one row uses one style), as exports")
    w("  merged from two systems look. Decisions fall on working days between 2026-09-01 and")
    w("  2026-11-20; about 70%% between %s and %s (on time when the demo runs around 2026-11-22)," % (
        RECENT_DAYS[0], RECENT_DAYS[-1]))
    w("  the rest earlier (late). 有效期自 = decision date; 有效期至 = +1..6 years − 1 day, `2099/12/31`")
    w("  (长期) for construction/shoreline approvals and a few others, and 15–90 days for 超限运输")
    w("  permits (one trip). CF_YXQ = decision date + 1 year; CF_GSJZQ is blank (the gateway computes it).")
    w("- Money is in 万元 (罚款2000元 → `0.2`); 处罚内容 says the 元 amount and its 大写 form.")
    w("- 处罚类别 lists several values with `;` (`警告;罚款`, `没收违法所得;罚款`, `罚款;暂扣许可证件`).")
    w("- 当前状态 (XK_ZT) is written `有效`.")
    w("- Line numbers below are physical lines, header = line 1 (a quoted multi-line field makes a")
    w("  row span two lines; the row's number is the line where it starts).")
    w("")
    w("Mix of 行政相对人类别 and decision dates:")
    w("")
    w("| file | 法人及非法人组织 | 个体工商户 | 自然人 | recent (≥ %s) | older |" % RECENT_DAYS[0])
    w("|---|---|---|---|---|---|")
    for s in samples:
        c = countBy(s, s.kind.upper() + "_XDR_LB")
        recent, older = timeliness(s)
        w("| `%s` | %d | %d | %d | %d | %d |" % (s.name, c.get(LEGAL, 0), c.get(INDIVIDUAL_BUSINESS, 0),
                                             c.get(PERSON, 0), recent, older))
    w("")
    total = sum(len(s.records) for s in samples)
    defects = [(s, i, n) for s in samples for i, n in sorted(s.notes.items()) if n[0] == "defect"]
    w("## Defects: rows the gateway must hold (%d of %d rows, %.1f%%)" % (len(defects), total,
                                                                        100.0 * len(defects) / total))
    w("")
    w("Each row has exactly one problem; everything else in it is valid.")
    w("")
    w("| file:line | field | problem |")
    w("|---|---|---|")
    for s, i, (_, field, text) in defects:
        w("| `%s:%d` | %s | %s |" % (s.name, s.lines[i], field, text))
    w("")
    w("## Valid for the gateway, rejected by the mock platform")
    w("")
    w("| file:line | field | why |")
    w("|---|---|---|")
    for s in samples:
        for i, (what, field, text) in sorted(s.notes.items()):
            if what == "platform":
                w("| `%s:%d` | %s | %s |" % (s.name, s.lines[i], field, text))
    w("")
    w("## Valid edge cases")
    w("")
    w("| file:line | field | what |")
    w("|---|---|---|")
    for s in samples:
        for i, (what, field, text) in sorted(s.notes.items()):
            if what == "edge":
                w("| `%s:%d` | %s | %s |" % (s.name, s.lines[i], field, text))
    w("")
    w("## Regenerate and check")
    w("")
    w("```sh")
    w("python3 tools/make-samples.py")
    w("iconv -f GB18030 -t UTF-8 samples/cf_2026_gb18030.csv >/dev/null && echo ok")
    w("iconv -f GB18030 -t UTF-8 samples/cf_2026_bad_bytes_gbk.csv >/dev/null  # fails: illegal input sequence")
    w("```")
    w("")
    with open(os.path.join(outDir, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))


# ---------------------------------------------------------------------------------------------
# Verification: re-read the files from disk and check them with independent formulations.

def usccValid(code):
    """Independent of usccCheckChar: the weighted sum over all 18 characters, with the check
    character weighted 1, must be divisible by 31."""
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    weights = [pow(3, i, 31) for i in range(17)] + [1]
    return sum(USCC_CHARSET.index(c) * w for c, w in zip(code, weights)) % 31 == 0


def orgCodeValid(code):
    if len(code) != 9:
        return False
    value = {"X": 10}.get(code[8], None)
    value = value if value is not None else int(code[8])
    return (sum(int(c, 36) * w for c, w in zip(code[:8], ORG_WEIGHTS)) + value) % 11 == 0


def idValid(number):
    """ISO 7064 MOD 11-2 over all 18 characters (weights 2^(17-i) mod 11, X = 10) ≡ 1, and the
    birth date exists and the division is a real code."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return False
    digits = [int(c) for c in number[:17]] + [10 if number[17] == "X" else int(number[17])]
    if sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits)) % 11 != 1:
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def gszcValid(number):
    p = 10
    for c in number:
        s = (p + int(c)) % 10 or 10
        p = s * 2 % 11
    return len(number) == 15 and s == 1  # after the last digit the running sum must be 1


def verify(outDir, authorityCode, samples, divisions):
    problems = []
    fail = problems.append
    known = set(divisions)
    # The implementations must agree with the examples in domain.md §3.
    for code, ok in (("914403001922038216", True), ("11100000000019713D", True),
                     ("91350100M000100Y43", True), ("914403001922038217", False),
                     ("91350100M000100Y4Z", False)):
        if usccValid(code) != ok or (ok and usccCheckChar(code[:17]) != code[17]):
            fail("USCC self-test failed on " + code)
    for code, ok in (("11010519491231002X", True), ("110105194912310021", False)):
        if idValid(code) != ok or (ok and idCheckChar(code[:17]) != code[17]):
            fail("ID self-test failed on " + code)
    for code in ("D2143569X", "000019713"):
        if not orgCodeValid(code) or orgCodeCheckChar(code[:8]) != code[8]:
            fail("org-code self-test failed on " + code)
    if not usccValid(authorityCode) or not authorityCode.startswith("11" + AUTHORITY_DIVISION):
        fail("authority USCC invalid: " + authorityCode)

    seenWsh = {}
    for s in samples:
        path = os.path.join(outDir, s.name)
        raw = open(path, "rb").read()
        if s.bom != raw.startswith(b"\xef\xbb\xbf"):
            fail("%s: BOM expected=%s" % (s.name, s.bom))
        crlf = raw.count(b"\r\n")
        if s.newline == "\r\n" and crlf < len(s.records) + 1:
            fail("%s: expected CRLF line ends" % s.name)
        if s.newline == "\n" and crlf:
            fail("%s: unexpected CR" % s.name)
        if s.name.endswith("bad_bytes_gbk.csv"):
            checkBadBytes(path, raw, s, fail)
            raw = raw.replace(b"\x81\x20", "\u25a1".encode("gbk"))
        else:
            checkIconv(path, s, fail)
        text = raw.decode(s.encoding)
        if text.startswith("\ufeff"):
            text = text[1:]
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if rows[0] != s.headerNames():
            fail("%s: header differs" % s.name)
        data = rows[1:]
        if len(data) != len(s.records):
            fail("%s: %d rows, expected %d" % (s.name, len(data), len(s.records)))
        # Physical start lines as an RFC 4180 reader counts them.
        starts, line, inQuotes, rowStart = [], 1, False, True
        for ch in text:
            if rowStart and ch not in "\r\n":
                starts.append(line)
                rowStart = False
            if ch == '"':
                inQuotes = not inQuotes
            elif ch == "\n":
                line += 1
                if not inQuotes:
                    rowStart = True
        if starts[1:] != s.lines:
            fail("%s: README line numbers do not match the file" % s.name)
        p = s.kind.upper() + "_"
        for i, row in enumerate(data):
            f = dict(zip([c for c, _ in s.fields], row))
            where = "%s:%d" % (s.name, s.lines[i])
            note = s.notes.get(i, ("ok", "", ""))
            broken = note[1] if note[0] == "defect" else ""
            checkRow(f, p, where, broken, authorityCode, known, fail)
            wsh = f[p + "WSH"]
            if wsh:
                other = seenWsh.setdefault(wsh, where)
                dup = note[0] == "platform" and note[1] == p + "WSH"
                if other != where and not dup:
                    fail("%s: 文书号 %s already used at %s" % (where, wsh, other))
    return problems


def checkIconv(path, sample, fail):
    if sample.encoding == "utf-8" or not shutil.which("iconv"):
        return
    r = subprocess.run(["iconv", "-f", "GB18030", "-t", "UTF-8", path], capture_output=True)
    if r.returncode != 0:
        fail("%s: iconv cannot decode it: %s" % (sample.name, r.stderr.decode(errors="replace")))


def checkBadBytes(path, raw, sample, fail):
    """The file must fail to decode exactly at the noted row's line, and nowhere else."""
    pos = raw.find(b"\x81\x20")
    if pos < 0 or raw.find(b"\x81\x20", pos + 2) >= 0:
        fail("%s: expected exactly one 0x81 0x20 sequence" % sample.name)
        return
    line = raw[:pos].count(b"\n") + 1
    noted = [sample.lines[i] for i, n in sample.notes.items() if n[1] == "CF_XDR_MC"]
    if noted != [line]:
        fail("%s: bad bytes on line %d, README says %s" % (sample.name, line, noted))
    try:
        raw.decode("gb18030")
        fail("%s: decodes as GB18030 although it should not" % sample.name)
    except UnicodeDecodeError as e:
        if e.start != pos:
            fail("%s: first invalid byte at %d, expected %d" % (sample.name, e.start, pos))
    if shutil.which("iconv"):
        r = subprocess.run(["iconv", "-f", "GB18030", "-t", "UTF-8", path], capture_output=True)
        if r.returncode == 0:
            fail("%s: iconv accepted the invalid bytes" % sample.name)
    return line


def parseDate(text):
    for fmt in ("%Y/%m/%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def checkRow(f, p, where, broken, authorityCode, known, fail):
    """Every field not named as this row's defect must be valid; the defect field must not be."""
    def expect(field, ok, what):
        if field == broken and ok:
            fail("%s: %s should be broken (%s) but passes" % (where, field, what))
        if field != broken and not ok:
            fail("%s: %s unexpectedly invalid (%s)" % (where, field, what))

    lb = f[p + "XDR_LB"]
    code = f[p + "XDR_SHXYM"]
    if lb == PERSON:
        expect(p + "XDR_ZJHM", idValid(f[p + "XDR_ZJHM"]) and f[p + "XDR_ZJHM"][:6] in known, "身份证号")
        if code or f[p + "FRDB"]:
            fail("%s: 自然人 with organisation fields" % where)
    else:
        if code == "00000000000000000X":
            expect(p + "XDR_SHXYM", gszcValid(f[p + "XDR_GSZC"]), "placeholder needs a 工商注册号")
        else:
            expect(p + "XDR_SHXYM", usccValid(code) and code[2:8] in known
                   and orgCodeValid(code[8:17]), "USCC")
            if (lb == INDIVIDUAL_BUSINESS) != code.startswith("92"):
                fail("%s: 类别 %s with USCC %s" % (where, lb, code))
        if f[p + "XDR_ZZJG"] and f[p + "XDR_ZZJG"] != code[8:17] and p + "XDR_SHXYM" != broken:
            fail("%s: 组织机构代码 differs from the USCC" % where)
        if f[p + "FR_ZJHM"] and not idValid(f[p + "FR_ZJHM"]):
            fail("%s: 法定代表人证件号码 invalid" % where)
        if f[p + "XDR_ZJHM"]:
            fail("%s: organisation with 证件号码" % where)
    expect(p + "WSH", bool(f[p + "WSH"]), "文书号")
    for field in (p + "JDRQ", "XK_YXQZ" if p == "XK_" else "CF_YXQ"):
        expect(field, parseDate(f[field]) is not None, "date")
    decided = parseDate(f[p + "JDRQ"])
    if decided and not (dt.date(2026, 9, 1) <= decided <= dt.date(2026, 11, 20)):
        fail("%s: decision date %s out of range" % (where, decided))
    if p == "XK_":
        checkXk(f, where, expect, authorityCode, fail)
    else:
        checkCf(f, where, expect, authorityCode, fail)
    for field, value in f.items():
        limit = FIELD_LIMITS.get(field[3:] if field[:3] in ("XK_", "CF_") else field, 2000)
        if field == "CF_WSH":
            limit = 128
        if field != broken and len(value) > limit:
            fail("%s: %s is %d characters, limit %d" % (where, field, len(value), limit))


# domain.md §2 lengths (characters) of the fields worth checking; CF_WSH is 128.
FIELD_LIMITS = {"XDR_MC": 200, "XDR_LB": 16, "XDR_SHXYM": 18, "XDR_GSZC": 50, "XDR_ZZJG": 9,
                "XDR_SWDJ": 15, "XDR_SYDW": 12, "FRDB": 50, "FR_ZJHM": 64, "XDR_ZJHM": 64,
                "XKWS": 64, "WSH": 64, "XKLB": 256, "XKZS": 64, "XKBH": 64, "NR": 4000,
                "XKJG": 200, "LYDW": 200, "WFXW": 2000, "SY": 2000, "YJ": 2048, "CFLB": 256,
                "NR_ZKDX": 200, "CFJG": 200, "SJLY": 200, "BZ": 512, "ZRBM": 200}


def checkXk(f, where, expect, authorityCode, fail):
    start, until = parseDate(f["XK_YXQZ"]), parseDate(f["XK_YXQZI"])
    expect("XK_YXQZI", until is not None and (start is None or until >= start), "有效期至")
    if start and f["XK_JDRQ"] and start != parseDate(f["XK_JDRQ"]):
        fail("%s: 有效期自 differs from the decision date" % where)
    expect("XK_XKLB", f["XK_XKLB"] in ("普通", "特许", "认可", "核准", "登记", "其他"), "许可类别")
    expect("XK_NR", 0 < len(f["XK_NR"]) <= 4000, "许可内容 length")
    for field in ("XK_XKJGDM", "XK_LYDWDM"):
        if f[field] != authorityCode:
            fail("%s: %s is not the authority" % (where, field))
    if f["XK_ZT"] != "有效":
        fail("%s: XK_ZT" % where)


CF_CATEGORIES = ("警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
                 "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他")


def checkCf(f, where, expect, authorityCode, fail):
    cats = f["CF_CFLB"].split(";")
    expect("CF_CFLB", all(c in CF_CATEGORIES for c in cats), "处罚类别")
    if "罚款" in cats:
        expect("CF_NR_FK", Decimal(f["CF_NR_FK"] or "0") > 0, "罚款金额")
    elif f["CF_NR_FK"]:
        fail("%s: amount without 罚款" % where)
    if any(c.startswith("没收") for c in cats) and not f["CF_NR_WFFF"]:
        fail("%s: 没收 without amount" % where)
    if "暂扣许可证件" in cats and not f["CF_NR_ZKDX"]:
        fail("%s: 暂扣 without 证照" % where)
    for amount in (f["CF_NR_FK"], f["CF_NR_WFFF"]):
        if amount and (Decimal(amount) < 0 or -Decimal(amount).as_tuple().exponent > 6):
            fail("%s: amount %s" % (where, amount))
    if f["CF_GSJZQ"]:
        fail("%s: CF_GSJZQ should be blank" % where)
    decided, until = parseDate(f["CF_JDRQ"]), parseDate(f["CF_YXQ"])
    if decided and until != addYears(decided, 1):
        fail("%s: CF_YXQ is not decision + 1 year" % where)
    for field in ("CF_CFJGDM", "CF_SJLYDM"):
        if f[field] != authorityCode:
            fail("%s: %s is not the authority" % (where, field))


# ---------------------------------------------------------------------------------------------

def loadDivisions():
    with open(DIVISIONS, encoding="utf-8") as f:
        return [line.split(" ", 1)[0] for line in f if line.strip()]


def loadKindSamples():
    import importlib.util
    path = os.path.join(REPO, "tools", "make-kind-samples.py")
    spec = importlib.util.spec_from_file_location("make_kind_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "samples"), help="output directory")
    parser.add_argument("--kinds", default="pj,md,cn,jc",
                        help="transport credit kinds to generate too, by tools/make-kind-samples.py "
                             "(comma-separated subset of pj,md,cn,jc; \"none\" for xk/cf only)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    divisions = loadDivisions()
    rng = random.Random(SEED)
    ids = Ids(rng, divisions)
    authorityCode, samples = build(rng, ids)
    for s in samples:
        writeSample(s, args.out, rng)
    writeReadme(args.out, authorityCode, samples)

    problems = verify(args.out, authorityCode, samples, divisions)
    if args.kinds != "none":  # after writeReadme: it appends its own section to README.md
        kindSamples = loadKindSamples()
        problems += kindSamples.generate(args.out, kindSamples.parseKinds(args.kinds))
    for p in problems:
        print("make-samples: " + p, file=sys.stderr)
    if problems:
        return 1
    defects = sum(1 for s in samples for n in s.notes.values() if n[0] == "defect")
    rows = sum(len(s.records) for s in samples)
    print("make-samples: wrote %s: %s; %d rows, %d defects; authority %s %s; verified" % (
        args.out, ", ".join("%s (%d)" % (s.name, len(s.records)) for s in samples), rows, defects,
        AUTHORITY, authorityCode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
