#!/usr/bin/env python3
"""Generate sample records for the transport credit kinds pj, md, cn and jc (samples/).

Companion of make-samples.py (which writes xk/cf and calls this one at its end, so one command
regenerates everything): same fictional authority 示范市交通运输局, same identifier helpers, but
its own random stream (seed below), so the xk/cf files stay byte-identical whatever happens here.
Each file: about 20 rows, UTF-8 with BOM, the kind's standard Chinese header names
(docs/kinds.md), LF, and exactly two rows with a planted defect, listed in the section this script
appends to samples/README.md.

    python3 tools/make-kind-samples.py [--out DIR] [--kinds pj,md,cn,jc]

Ends by re-reading what it wrote (rows, headers, valid identifiers, each defect) and exits
non-zero on a mismatch. stdlib only.
"""

import argparse
import csv
import datetime as dt
import importlib.util
import io
import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20261123
ALL_KINDS = ("pj", "md", "cn", "jc")
README_MARK = "## Transport credit kinds: pj, md, cn, jc"


def _loadBase():
    spec = importlib.util.spec_from_file_location("make_samples", os.path.join(REPO, "tools", "make-samples.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _loadBase()

PARTY = [("XDR_MC", "{p}名称"), ("XDR_LB", "{p}类别"), ("XDR_SHXYM", "统一社会信用代码"),
         ("FRDB", "法定代表人"), ("XDR_ZJLX", "证件类型"), ("XDR_ZJHM", "证件号码")]
SUBJECT = {"pj": "评价对象", "md": "主体", "cn": "承诺主体", "jc": "被执行主体"}

FIELDS = {
    "pj": [("PJ_PJLX", "评价类型"), ("PJ_PJZQ", "评价周期"), ("PJ_PJJG", "评价结果"), ("PJ_DF", "得分"),
           ("PJ_WSH", "评价文号"), ("PJ_PJRQ", "评价日期"), ("PJ_YXQZ", "有效期自"), ("PJ_YXQZI", "有效期至"),
           ("PJ_PJDW", "评价单位"), ("PJ_PJDWDM", "评价单位统一社会信用代码"), ("PJ_LYDW", "数据来源单位"),
           ("PJ_LYDWDM", "数据来源单位统一社会信用代码"), ("BZ", "备注"), ("ZRBM", "责任部门")],
    "md": [("MD_MDLX", "名单类型"), ("MD_MDMC", "名单名称"), ("MD_LRSY", "列入事由"), ("MD_RDYJ", "认定依据"),
           ("MD_RDWSH", "认定文书号"), ("MD_RDRQ", "认定日期"), ("MD_YXQZ", "有效期自"), ("MD_YXQZI", "有效期至"),
           ("MD_RDDW", "认定单位"), ("MD_RDDWDM", "认定单位统一社会信用代码"), ("MD_CLHP", "车辆号牌"),
           ("MD_WFCS", "违法次数"), ("MD_LYDW", "数据来源单位"), ("MD_LYDWDM", "数据来源单位统一社会信用代码"),
           ("BZ", "备注"), ("ZRBM", "责任部门")],
    "cn": [("CN_LXDH", "联系电话"), ("CN_CNLX", "承诺类型"), ("CN_CNSX", "承诺事项"), ("CN_CNNR", "承诺内容"),
           ("CN_CNBH", "承诺书编号"), ("CN_CNRQ", "承诺日期"), ("CN_SLDW", "受理单位"),
           ("CN_SLDWDM", "受理单位统一社会信用代码"), ("CN_LYZT", "履约状态"), ("CN_HCRQ", "履约核查日期"),
           ("CN_HCSM", "核查说明"), ("CN_LYDW", "数据来源单位"), ("CN_LYDWDM", "数据来源单位统一社会信用代码"),
           ("BZ", "备注"), ("ZRBM", "责任部门")],
    "jc": [("JC_JCLX", "奖惩类型"), ("JC_ZXCS", "执行措施"), ("JC_JTSX", "具体事项"), ("JC_YJMD", "依据名单"),
           ("JC_ZXWH", "执行文号"), ("JC_ZXRQ", "执行日期"), ("JC_ZXBM", "执行部门"),
           ("JC_ZXBMDM", "执行部门统一社会信用代码"), ("JC_LYDW", "数据来源单位"),
           ("JC_LYDWDM", "数据来源单位统一社会信用代码"), ("BZ", "备注"), ("ZRBM", "责任部门")],
}
TITLES = {"pj": "信用评价结果", "md": "红黑名单", "cn": "信用承诺", "jc": "联合奖惩成效"}
AUTHORITY = base.AUTHORITY
OVERLOAD_LIST = "严重违法失信超限超载运输当事人名单"


def fieldsOf(kind):
    prefix = kind.upper() + "_"
    return [(prefix + s, n.format(p=SUBJECT[kind])) for s, n in PARTY] + FIELDS[kind]


def fmt(day):
    return day.strftime("%Y-%m-%d")


def recentDay(rng):
    """A working day of autumn 2026 before the demo's "today" (2026-11-22)."""
    return rng.choice(base.workdays(dt.date(2026, 9, 1), dt.date(2026, 11, 20)))


TAXI_SUFFIX = ["出租汽车有限公司", "客运出租汽车有限公司", "出租汽车服务有限公司"]


def partyFields(ids, kind, rng, who, suffixes=base.FREIGHT_SUFFIX):
    """Subject fields for `who` (legal / individual / person), prefixed for `kind`."""
    if who == "person":
        party = base.personParty(ids)
    elif who == "individual":
        party = base.individualParty(ids)
    else:
        party = base.legalParty(ids, suffixes=suffixes)
    keep = {"XDR_MC", "XDR_LB", "XDR_SHXYM", "FRDB", "XDR_ZJLX", "XDR_ZJHM"}
    f = {kind.upper() + "_" + k: v for k, v in party.fields.items() if k in keep}
    return f


def authority(kind, code, prefixes):
    f = {}
    for name, codeField in prefixes:
        f[kind.upper() + "_" + name] = AUTHORITY
        f[kind.upper() + "_" + codeField] = code
    return f


def makePj(ids, rng, code, n):
    rows = []
    for i in range(n):
        scheme = ["道路运输企业质量信誉考核", "驾驶员诚信考核", "出租汽车企业考核"][i % 3]
        who = "person" if scheme == "驾驶员诚信考核" else ("individual" if i % 7 == 4 else "legal")
        taxi = scheme == "出租汽车企业考核"
        f = partyFields(ids, "pj", rng, "legal" if taxi else who, TAXI_SUFFIX if taxi else base.FREIGHT_SUFFIX)
        day = recentDay(rng)
        if scheme == "驾驶员诚信考核":
            grade = rng.choice(["AAA", "AA", "A", "B"])
            number = "示交驾评%s%04d" % (day.strftime("%Y%m"), i + 1)
            score = ""
        else:
            grade = rng.choice(["AAA", "AA", "A", "B"])
            number = "示交运评〔2026〕%d号" % (10 + i)
            score = "%d.%d" % (rng.randint(62, 98), rng.randint(0, 9))
        f.update({"PJ_PJLX": scheme, "PJ_PJZQ": "2025年度", "PJ_PJJG": grade, "PJ_DF": score,
                  "PJ_WSH": number, "PJ_PJRQ": fmt(day), "PJ_YXQZ": fmt(day),
                  "PJ_YXQZI": fmt(base.addYears(day, 1) - dt.timedelta(days=1)),
                  "BZ": "", "ZRBM": "运输管理科"})
        f.update(authority("pj", code, [("PJDW", "PJDWDM"), ("LYDW", "LYDWDM")]))
        rows.append(f)
    return rows


def makeMd(ids, rng, code, n):
    rows = []
    for i in range(n):
        variant = i % 4
        who = "person" if variant == 1 else "legal"
        f = partyFields(ids, "md", rng, who)
        day = recentDay(rng)
        f.update({"MD_YXQZ": fmt(day), "MD_CLHP": "", "MD_WFCS": "", "BZ": "", "ZRBM": "综合执法支队三大队"})
        if variant in (0, 1):
            count = rng.randint(3, 12)
            f.update({"MD_MDLX": "黑名单", "MD_MDMC": OVERLOAD_LIST,
                      "MD_LRSY": "一年内违法超限运输%d次" % count,
                      "MD_RDYJ": "《关于对严重违法失信超限超载运输车辆相关责任主体实施联合惩戒的合作备忘录》",
                      "MD_YXQZI": fmt(base.addYears(day, 1)), "MD_CLHP": ids.plate(), "MD_WFCS": str(count)})
        elif variant == 2:
            f.update({"MD_MDLX": "红名单", "MD_MDMC": "道路运输守信激励对象名单",
                      "MD_LRSY": "连续三年道路运输企业质量信誉考核AAA级，无违法失信记录",
                      "MD_RDYJ": "《交通运输守信联合激励和失信联合惩戒对象名单管理办法（试行）》第五条",
                      "MD_YXQZI": fmt(base.addYears(day, 2)), "ZRBM": "运输管理科"})
        else:
            f.update({"MD_MDLX": "重点关注名单", "MD_MDMC": "交通运输失信重点关注对象名单",
                      "MD_LRSY": "一年内三次因未按规定进行车辆维护受到行政处罚",
                      "MD_RDYJ": "《交通运输守信联合激励和失信联合惩戒对象名单管理办法（试行）》第十一条",
                      "MD_YXQZI": fmt(base.addYears(day, 1))})
        f["MD_RDWSH"] = "示交信认〔2026〕%d号" % (30 + i)
        f["MD_RDRQ"] = fmt(day)
        f.update(authority("md", code, [("RDDW", "RDDWDM"), ("LYDW", "LYDWDM")]))
        rows.append(f)
    return rows


COMMITMENTS = [
    ("审批替代型", "道路货物运输经营许可", "本单位承诺所提交的车辆、驾驶人员及安全生产管理制度材料真实有效，如有虚假，愿承担相应法律责任并接受撤销许可。"),
    ("审批替代型", "道路运输从业人员从业资格证核发", "本人承诺无重大以上交通责任事故记录，所填信息真实，如有不实，愿承担相应法律责任。"),
    ("主动型", "道路运输诚信经营", "本单位承诺守法诚信经营，不超限超载，不拒载甩客，自觉接受社会监督。"),
    ("信用修复型", "行政处罚信用修复", "本单位承诺已履行行政处罚决定，已完成整改，今后守法经营，如再次违法愿接受从重处理。"),
]


def makeCn(ids, rng, code, n):
    rows = []
    for i in range(n):
        kindOf, matter, text = COMMITMENTS[i % len(COMMITMENTS)]
        who = "person" if "本人" in text else ("individual" if i % 5 == 2 else "legal")
        f = partyFields(ids, "cn", rng, who)
        day = recentDay(rng)
        status = ["待核查", "履约", "待核查", "未履约"][i % 4] if day < dt.date(2026, 11, 1) else "待核查"
        checked = ""
        note = ""
        if status != "待核查":
            checked = fmt(min(day + dt.timedelta(days=rng.randint(10, 40)), dt.date(2026, 11, 20)))
            if status == "未履约":
                note = "核查发现承诺的安全生产管理制度未建立，已依法撤销许可"
        f.update({"CN_LXDH": "1%d%09d" % (rng.choice([3, 5, 8]), rng.randrange(10 ** 9)),
                  "CN_CNLX": kindOf, "CN_CNSX": matter, "CN_CNNR": text,
                  "CN_CNBH": "示交承〔2026〕%04d" % (200 + i), "CN_CNRQ": fmt(day),
                  "CN_LYZT": status, "CN_HCRQ": checked, "CN_HCSM": note, "BZ": "", "ZRBM": "行政审批科"})
        f.update(authority("cn", code, [("SLDW", "SLDWDM"), ("LYDW", "LYDWDM")]))
        rows.append(f)
    return rows


MEASURES = [
    ("惩戒", "在道路货物运输经营许可审查中从严审核，不适用告知承诺", "道路货物运输经营许可申请", OVERLOAD_LIST),
    ("惩戒", "限制参加政府采购及交通建设项目招投标", "示范市农村公路养护工程招标", OVERLOAD_LIST),
    ("激励", "行政许可办理开通绿色通道，适用容缺受理", "道路运输经营许可证延续", "道路运输守信激励对象名单"),
    ("激励", "日常检查频次降低，减少现场检查", "年度双随机抽查", "道路运输守信激励对象名单"),
]


def makeJc(ids, rng, code, n):
    rows = []
    for i in range(n):
        rewardOrPunish, measure, matter, basis = MEASURES[i % len(MEASURES)]
        who = "person" if i % 6 == 5 else "legal"
        f = partyFields(ids, "jc", rng, who)
        day = recentDay(rng)
        f.update({"JC_JCLX": rewardOrPunish, "JC_ZXCS": measure, "JC_JTSX": matter, "JC_YJMD": basis,
                  "JC_ZXWH": "JC2026%05d" % (300 + i), "JC_ZXRQ": fmt(day), "BZ": "",
                  "ZRBM": "行政审批科" if rewardOrPunish == "激励" else "综合执法支队一大队"})
        f.update(authority("jc", code, [("ZXBM", "ZXBMDM"), ("LYDW", "LYDWDM")]))
        rows.append(f)
    return rows


MAKERS = {"pj": makePj, "md": makeMd, "cn": makeCn, "jc": makeJc}


def breakUscc(value):
    """Same code, wrong check character (the next one in the charset)."""
    cs = base.USCC_CHARSET
    return value[:17] + cs[(cs.index(value[17]) + 1) % len(cs)]


def breakIdNumber(value):
    return value[:17] + ("0" if value[17] != "0" else "1")


# Two defects per kind: (row index, field, what, how). Row indexes are chosen so that the field
# applies to that row (e.g. a 自然人 row for an ID defect).
def plantDefects(kind, rows):
    def firstWith(test):
        return next(i for i, r in enumerate(rows) if test(r))
    notes = []
    if kind == "pj":
        i = firstWith(lambda r: r["PJ_XDR_LB"] == base.LEGAL)
        rows[i]["PJ_XDR_SHXYM"] = breakUscc(rows[i]["PJ_XDR_SHXYM"])
        notes.append((i, "PJ_XDR_SHXYM", "统一社会信用代码 check character wrong (GB 32100)"))
        i = firstWith(lambda r: r["PJ_PJLX"] == "驾驶员诚信考核" and i != rows.index(r))
        rows[i]["PJ_PJJG"] = ""
        notes.append((i, "PJ_PJJG", "评价结果 missing"))
    elif kind == "md":
        i = firstWith(lambda r: r["MD_MDMC"] == OVERLOAD_LIST and r["MD_XDR_LB"] == base.LEGAL)
        rows[i]["MD_CLHP"] = ""
        notes.append((i, "MD_CLHP", "车辆号牌 missing on a 超限超载 list entry"))
        i = firstWith(lambda r: r["MD_MDLX"] == "重点关注名单")
        rows[i]["MD_MDLX"] = "灰名单"
        notes.append((i, "MD_MDLX", "名单类型 \"灰名单\" is not in code table mdlx"))
    elif kind == "cn":
        i = firstWith(lambda r: r["CN_LYZT"] == "履约")
        rows[i]["CN_HCRQ"] = ""
        notes.append((i, "CN_HCRQ", "履约状态 履约 without 履约核查日期"))
        taken = i
        i = firstWith(lambda r: r["CN_XDR_LB"] == base.PERSON and rows.index(r) != taken)
        rows[i]["CN_XDR_ZJHM"] = breakIdNumber(rows[i]["CN_XDR_ZJHM"])
        notes.append((i, "CN_XDR_ZJHM", "身份证号 check digit wrong (GB 11643)"))
    else:
        i = firstWith(lambda r: r["JC_JCLX"] == "激励")
        rows[i]["JC_ZXRQ"] = "2026-11-31"
        notes.append((i, "JC_ZXRQ", "执行日期 2026-11-31 does not exist"))
        i = firstWith(lambda r: r["JC_JCLX"] == "惩戒" and not rows.index(r) == notes[0][0])
        rows[i]["JC_ZXBMDM"] = ""
        notes.append((i, "JC_ZXBMDM", "执行部门统一社会信用代码 missing"))
    return notes


def fileName(kind):
    return "%s_2026_utf8.csv" % kind


def writeKind(outDir, kind, rows):
    fields = fieldsOf(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for _, name in fields])
    for r in rows:
        writer.writerow([r.get(code, "") for code, _ in fields])
    with open(os.path.join(outDir, fileName(kind)), "wb") as f:
        f.write(("\ufeff" + buffer.getvalue()).encode("utf-8"))


def readmeSection(kinds, counts, defects, authorityCode):
    L = [README_MARK, "",
         "Generated by `python3 tools/make-kind-samples.py` (also run by make-samples.py; seed %d," % SEED,
         "its own random stream, so the xk/cf files above never change because of it). Field sets:",
         "docs/kinds.md. Same fictional authority %s (`%s`) as 评价单位 / 认定单位 /" % (AUTHORITY, authorityCode),
         "受理单位 / 执行部门 and 数据来源单位. UTF-8 with BOM, the kinds' standard Chinese header names",
         "(责任部门 last), LF, dates `yyyy-MM-dd` between 2026-09-01 and 2026-11-20.", "",
         "| file | rows | what |", "|---|---|---|"]
    what = {"pj": "信用评价结果: 道路运输企业质量信誉考核, 驾驶员诚信考核 (自然人), 出租汽车企业考核; 2025年度",
            "md": "红黑名单: 严重违法失信超限超载运输 (黑名单, with 车辆号牌 and 违法次数), 守信激励 (红名单), 重点关注名单",
            "cn": "信用承诺: 审批替代型 (告知承诺), 主动型, 信用修复型; 履约状态 待核查 / 履约 / 未履约",
            "jc": "联合奖惩成效: 激励 and 惩戒 measures with their 依据名单; 执行文号 = 执行记录编号"}
    for kind in kinds:
        L.append("| `%s` | %d | %s |" % (fileName(kind), counts[kind], what[kind]))
    L += ["", "Defects: rows the gateway must hold (two per file, one problem each):", "",
          "| file:line | field | problem |", "|---|---|---|"]
    for kind in kinds:
        for line, field, text in defects[kind]:
            L.append("| `%s:%d` | %s | %s |" % (fileName(kind), line, field, text))
    return "\n".join(L) + "\n"


def appendReadme(outDir, section):
    path = os.path.join(outDir, "README.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if README_MARK in text:
        text = text[:text.index(README_MARK)]
    if text and not text.endswith("\n\n"):
        text += "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + section)


def verify(outDir, kinds, counts, defects):
    """Re-reads each file: header, row count, valid identifiers except in the planted defects."""
    problems = []
    for kind in kinds:
        path = os.path.join(outDir, fileName(kind))
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        if header != [name for _, name in fieldsOf(kind)]:
            problems.append("%s: header differs" % path)
        if len(body) != counts[kind]:
            problems.append("%s: %d rows, expected %d" % (path, len(body), counts[kind]))
        broken = {line: field for line, field, _ in defects[kind]}
        codes = [code for code, _ in fieldsOf(kind)]
        for n, row in enumerate(body, start=2):
            r = dict(zip(codes, row))
            for code, value in r.items():
                if not value or broken.get(n) == code:
                    continue
                if code.endswith("SHXYM") or code.endswith("DWDM") or code.endswith("BMDM"):
                    if base.usccCheckChar(value[:17]) != value[17:]:
                        problems.append("%s:%d: %s %s fails GB 32100" % (path, n, code, value))
                if code.endswith("XDR_ZJHM") and base.idCheckChar(value[:17]) != value[17:]:
                    problems.append("%s:%d: %s fails GB 11643" % (path, n, code))
            for line, field, _ in defects[kind]:
                if line == n and field.endswith(("SHXYM", "ZJHM")) and r[field] and (
                        (field.endswith("SHXYM") and base.usccCheckChar(r[field][:17]) == r[field][17:]) or
                        (field.endswith("ZJHM") and base.idCheckChar(r[field][:17]) == r[field][17:])):
                    problems.append("%s:%d: planted defect in %s is valid" % (path, n, field))
    return problems


def generate(outDir, kinds=ALL_KINDS, rowsPerKind=20):
    """Writes the kind samples and their README section; returns a list of problems (empty = ok)."""
    os.makedirs(outDir, exist_ok=True)
    rng = random.Random(SEED)
    ids = base.Ids(rng, base.loadDivisions())
    authorityCode = "11" + base.AUTHORITY_DIVISION + "MB2026001"  # 机关 (11), as make-samples.py
    authorityCode += base.usccCheckChar(authorityCode)
    counts, defects = {}, {}
    for kind in kinds:
        rows = MAKERS[kind](ids, rng, authorityCode, rowsPerKind)
        notes = plantDefects(kind, rows)
        writeKind(outDir, kind, rows)
        counts[kind] = len(rows)
        defects[kind] = sorted((i + 2, field, text) for i, field, text in notes)
    appendReadme(outDir, readmeSection(kinds, counts, defects, authorityCode))
    return verify(outDir, kinds, counts, defects)


def parseKinds(text):
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown:
        raise SystemExit("make-kind-samples: unknown kind(s) %s; known: %s" % (", ".join(unknown), ", ".join(ALL_KINDS)))
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "samples"), help="output directory")
    parser.add_argument("--kinds", default=",".join(ALL_KINDS), help="comma-separated subset of pj,md,cn,jc")
    args = parser.parse_args()
    problems = generate(args.out, parseKinds(args.kinds))
    for p in problems:
        print("make-kind-samples: " + p, file=sys.stderr)
    if problems:
        return 1
    print("make-kind-samples: wrote %s; verified" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
