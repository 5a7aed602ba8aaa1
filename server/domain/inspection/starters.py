"""The inspection templates Vigil ships with, in English and Chinese.

Ranges are defaults for a typical asset; a maker's own limits go on the asset (asset limits).
Sources are in ../shared/domain/reference.md, cited beside each number.
"""

from typing import Any


def _label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def number(key: str, en: str, zh: str, unit: str, decimals: int = 1, **extra: Any) -> dict:
    return {
        "key": key,
        "type": "number",
        "label": _label(en, zh),
        "unit": unit,
        "decimals": decimals,
        **extra,
    }


def meter(key: str, en: str, zh: str, unit: str, **extra: Any) -> dict:
    return {"key": key, "type": "meter", "label": _label(en, zh), "unit": unit, **extra}


def check(key: str, en: str, zh: str, **extra: Any) -> dict:
    return {"key": key, "type": "check", "label": _label(en, zh), **extra}


def section(key: str, en: str, zh: str, *items: dict) -> dict:
    return {"key": key, "title": _label(en, zh), "items": list(items)}


NOTES = {"key": "notes", "type": "text", "label": _label("Remarks", "备注"), "required": False}
PHOTO = {"key": "photo", "type": "photo", "label": _label("Photo", "照片"), "required": False}
RUN_HOURS = meter(
    "run_hours", "Engine run-hour meter", "运行小时计", "h", max_per_day=24
)  # logged at every visit (NFPA 110 §8.4.1)
# Starter battery, 12 V system: float about 13.5 V (2.25 V/cell); Kohler's low-battery alarm
# defaults to 12 V; Datakom DKG-225 warns at 15.0 V and shuts down at 16.0 V. 24 V sets: double
# these on the asset.
BATTERY = number(
    "battery_v",
    "Starter battery voltage",
    "启动电瓶电压",
    "V",
    normal=[13.2, 13.8],
    warning=[12.0, 15.0],
    critical=[None, 16.0],
)
# Oil pressure running: above 40 psi (2.8 bar); DKG-309 warns at 1.4 bar, shuts down at 1.0.
OIL_PRESSURE = number(
    "oil_pressure_bar",
    "Oil pressure (running)",
    "机油压力(运行)",
    "bar",
    normal=[2.8, None],
    warning=[1.4, None],
    critical=[1.0, None],
)
# Coolant: DKG-309 warns at 95 °C and shuts down at 98 °C; below 50 °C the engine is cold.
COOLANT = number(
    "coolant_temp_c",
    "Coolant temperature",
    "冷却水温度",
    "°C",
    decimals=0,
    normal=[60, 90],
    warning=[50, 95],
    critical=[None, 98],
)
# 230 V L-N: ISO 8528 G1 is ±5 %; DKG-225 warns at 180/260 V and shuts down at 170/270 V.
VOLTAGE = number(
    "voltage_v",
    "Output voltage L-N",
    "输出电压(相电压)",
    "V",
    decimals=0,
    normal=[218.5, 241.5],
    warning=[180, 260],
    critical=[170, 270],
)
# 50 Hz: Kohler sheds load below 49 Hz; G1 allows a no-load rise to 54 Hz; DKG trips at 55 Hz.
FREQUENCY = number(
    "frequency_hz",
    "Frequency",
    "频率",
    "Hz",
    decimals=2,
    normal=[49.5, 50.5],
    warning=[49.0, 54.0],
    critical=[None, 55.0],
)

GENERATOR_WEEKLY = {
    "code": "generator_weekly",
    "name": "Standby generator weekly inspection",
    "name_zh": "备用发电机每周巡检",
    "asset_kind": "generator",
    "description": "NFPA 110 §8.4.1: inspect the whole set weekly; it need not run.",
    "definition": {
        "flatline": 3,
        "sections": [
            section(
                "battery",
                "Starting battery",
                "启动电瓶",
                BATTERY,
                check("charger_ok", "Battery charger working", "充电器工作正常"),
                check("terminals_ok", "Terminals clean and tight", "电瓶接线柱清洁紧固"),
            ),
            section(
                "fluids",
                "Oil, fuel and coolant",
                "油、水",
                check(
                    "oil_level_ok", "Oil level within marks", "机油油位正常", fail_level="critical"
                ),
                # Chinese practice: fuel at least 3/4 before a start (reference 1.4).
                number(
                    "fuel_pct",
                    "Fuel level",
                    "燃油油位",
                    "%",
                    decimals=0,
                    normal=[75, 100],
                    warning=[50, None],
                    critical=[25, None],
                    max_drop=10,
                    drop_unless="run_hours",
                ),
                check(
                    "no_leaks", "No fuel, oil or coolant leaks", "无跑冒滴漏", fail_level="critical"
                ),
                check("coolant_level_ok", "Coolant level correct", "冷却水位正常"),
                check("heater_ok", "Block heater warm", "水套加热器工作正常"),
            ),
            section(
                "controls",
                "Controls and log",
                "控制与记录",
                RUN_HOURS,
                check(
                    "auto_mode",
                    "Controller left in AUTO",
                    "控制器处于自动状态",
                    fail_level="critical",
                ),
                check("no_alarms", "No alarms on the controller", "控制器无报警"),
                NOTES,
                PHOTO,
            ),
        ],
    },
}

GENERATOR_MONTHLY_LOAD = {
    "code": "generator_monthly_load",
    "name": "Generator monthly exercise under load",
    "name_zh": "发电机月度带载试验",
    "asset_kind": "generator",
    "description": (
        "NFPA 110 §8.4.2: at least 30 continuous minutes at 30 % or more of nameplate kW; "
        "tests 20 to 40 days apart."
    ),
    "definition": {
        "sections": [
            section(
                "run",
                "The run",
                "试验运行",
                number(
                    "load_pct",
                    "Load, % of nameplate kW",
                    "负载率",
                    "%",
                    decimals=0,
                    normal=[30, 100],
                    warning=[30, 110],
                ),
                number(
                    "duration_min",
                    "Continuous minutes under load (not cool-down)",
                    "带载连续运行时间(不含冷却)",
                    "min",
                    decimals=0,
                    warning=[30, None],
                ),
                number("run_hours_before", "Run-hour meter before", "试验前运行小时", "h"),
                RUN_HOURS,
                {
                    "key": "run_hours_added",
                    "type": "derived",
                    "formula": "difference",
                    "inputs": ["run_hours", "run_hours_before"],
                    "unit": "h",
                    "label": _label("Hours added by the run", "本次运行小时"),
                },
            ),
            section(
                "readings",
                "Readings after 30 minutes",
                "运行30分钟后读数",
                VOLTAGE,
                FREQUENCY,
                OIL_PRESSURE,
                COOLANT,
                BATTERY,
            ),
            section(
                "transfer",
                "Transfer switch",
                "自动转换开关(ATS)",
                check(
                    "ats_transferred",
                    "ATS transferred the load",
                    "ATS 切换正常",
                    fail_level="critical",
                ),
                # A Type 10 system must pick up the load within 10 s.
                number("transfer_s", "Transfer time", "切换时间", "s", warning=[None, 10]),
                NOTES,
                PHOTO,
            ),
        ],
    },
}

GENERATOR_NO_LOAD = {
    "code": "generator_no_load_run",
    "name": "Generator no-load test run",
    "name_zh": "发电机空载试运行",
    "asset_kind": "generator",
    "description": (
        "Chinese practice: a no-load run every week or fortnight, at most 15 minutes (longer "
        "builds carbon, 积碳); the set stays in AUTO afterwards."
    ),
    "definition": {
        "sections": [
            section(
                "run",
                "The run",
                "试运行",
                number(
                    "duration_min",
                    "Minutes run",
                    "运行时间",
                    "min",
                    decimals=0,
                    normal=[3, 15],
                    warning=[None, 15],
                    critical=[None, 30],
                ),
                RUN_HOURS,
                VOLTAGE,
                FREQUENCY,
                OIL_PRESSURE,
                COOLANT,
                BATTERY,
                check("no_alarms", "No alarms during the run", "运行中无报警"),
                check("auto_mode", "Returned to AUTO", "已恢复自动状态", fail_level="critical"),
                NOTES,
            ),
        ],
    },
}


def _phases(prefix: str, en: str, zh: str, unit: str, decimals: int, **bounds: Any) -> list:
    return [
        number(f"{prefix}_{p}", f"{en} {p.upper()}", f"{zh} {p.upper()}", unit, decimals, **bounds)
        for p in ("ab", "bc", "ca")
    ]


SUBSTATION_DAILY = {
    "code": "substation_daily",
    "name": "Substation daily round",
    "name_zh": "配电房日常巡检",
    "asset_kind": "transformer",
    "description": "One round of the 10/0.4 kV room: voltages, currents, temperatures, safety.",
    "definition": {
        "flatline": 3,
        "sections": [
            section(
                # GB/T 12325: 10 kV three-phase within ±7 % (9.3-10.7 kV); ±10 % is abnormal.
                "hv",
                "10 kV side",
                "10kV 高压侧",
                *_phases(
                    "hv_kv",
                    "Line voltage",
                    "线电压",
                    "kV",
                    2,
                    normal=[9.5, 10.5],
                    warning=[9.3, 10.7],
                    critical=[9.0, 11.0],
                ),
            ),
            section(
                # 0.4 kV: ±5 % day to day, ±7 % (353.4-406.6 V at 380 V) allowed, ±10 % abnormal.
                "lv",
                "0.4 kV side",
                "0.4kV 低压侧",
                *_phases(
                    "lv_v",
                    "Line voltage",
                    "线电压",
                    "V",
                    0,
                    normal=[361, 399],
                    warning=[353.4, 406.6],
                    critical=[342, 418],
                ),
                number("lv_a_a", "Current A", "电流 A", "A", 0),
                number("lv_a_b", "Current B", "电流 B", "A", 0),
                number("lv_a_c", "Current C", "电流 C", "A", 0),
                # Load imbalance: practice rebalances above 25 % (reference 2.4).
                {
                    "key": "lv_imbalance_pct",
                    "type": "derived",
                    "formula": "imbalance_pct",
                    "inputs": ["lv_a_a", "lv_a_b", "lv_a_c"],
                    "unit": "%",
                    "decimals": 1,
                    "label": _label("Three-phase current imbalance", "三相电流不平衡度"),
                    "normal": [None, 15],
                    "warning": [None, 25],
                },
            ),
            section(
                "transformer",
                "Transformer",
                "变压器",
                number("load_pct", "Transformer load", "变压器负载率", "%", 0),
                # Dry-type, class F (155 °C): alarm and trip differ by maker; set them per asset.
                number(
                    "winding_temp_c",
                    "Winding temperature (max phase)",
                    "绕组温度(最高相)",
                    "°C",
                    0,
                    normal=[None, 100],
                    warning=[None, 120],
                    critical=[None, 155],
                    baseline={"max_above": 10, "similar": "load_pct", "within": 10},
                    follow_up=True,
                ),
                # Oil-immersed: top oil alarm 85 °C, never above 95 °C (DL/T 572 practice).
                number(
                    "oil_temp_c",
                    "Top-oil temperature (oil-filled only)",
                    "上层油温(油浸式)",
                    "°C",
                    0,
                    required=False,
                    warning=[None, 85],
                    critical=[None, 95],
                ),
            ),
            section(
                "room",
                "Room and DC system",
                "环境与直流系统",
                # Room at most 35 °C, humidity at most 75 %.
                number(
                    "room_temp_c",
                    "Room temperature",
                    "室内温度",
                    "°C",
                    0,
                    normal=[10, 30],
                    warning=[None, 35],
                ),
                number("humidity_pct", "Relative humidity", "相对湿度", "%", 0, warning=[None, 75]),
                # 220 V DC system float, adjusted within 210-250 V.
                number("dc_v", "DC system voltage", "直流屏电压", "V", 0, warning=[210, 250]),
                # SF6 density referred to 20 °C: Siemens 8DA10 rated 120 kPa, 100 kPa minimum;
                # alarm about 5 % below nominal.
                number(
                    "sf6_kpa",
                    "SF6 density at 20 °C (where fitted)",
                    "SF6 气压(20°C 折算)",
                    "kPa",
                    0,
                    required=False,
                    warning=[114, None],
                    critical=[100, None],
                ),
            ),
            section(
                "safety",
                "Safety and access",
                "安全与出入",
                check(
                    "rodent_guards",
                    "Rodent guards in place, cable holes sealed",
                    "防鼠板到位、电缆孔洞封堵",
                ),
                check("extinguishers", "Extinguishers present and in date", "灭火器齐全有效"),
                check("access_log", "Access log checked", "出入登记已核查"),
                check(
                    "no_sound_smell",
                    "No abnormal sound or smell",
                    "无异常声响、气味",
                    fail_level="critical",
                ),
                check("mats", "Insulating mats in place", "绝缘垫完好"),
                NOTES,
                PHOTO,
            ),
        ],
    },
}


def _audit(key: str, en: str, zh: str, points: float, deduction: list, *requirements) -> dict:
    return {
        "key": key,
        "type": "audit",
        "label": _label(en, zh),
        "points": points,
        "deduction": deduction,
        "requirements": [_label(r_en, r_zh) for r_en, r_zh in requirements],
    }


# Seed 002, 客户服务督导评分细则: nineteen weighted items totalling 100 points; each missing
# requirement costs the points in its deduction range. (The seed's equipment form is cut off.)
SUPERVISORY_AUDIT = {
    "code": "supervisory_audit",
    "name": "Supervisory audit: customer service",
    "name_zh": "客户服务督导评分",
    "asset_kind": None,
    "description": (
        "100 points; 79 or less fails, 80 to 90 is good, 91 to 100 excellent. The form's "
        "weight in the company assessment is 25 %."
    ),
    "definition": {
        "sections": [
            section(
                "internal",
                "Internal management",
                "内部管理",
                _audit(
                    "rules",
                    "Rules and procedures",
                    "制度建设",
                    5,
                    [0.5, 2],
                    (
                        "Complete internal rules, posted on the wall",
                        "有完善的内部管理制度,并上墙公示",
                    ),
                    ("Public rules filed promptly", "公众制度归档及时"),
                    ("Rules updated; none used after withdrawal", "制度及时更新,无作废后再运行"),
                    ("All rules in the department archive", "各类制度统一纳入部门档案管理"),
                ),
                _audit(
                    "customer_files",
                    "Customer records",
                    "客户档案管理",
                    5,
                    [0.5, 1],
                    ("Files complete, timely and bound", "档案归档完整及时、装订标准"),
                    ("An index for finding files", "建立档案清册目录,便于查阅"),
                    ("Files clearly labelled", "档案标识美观醒目"),
                    ("Electronic records complete and updated", "客户电子资料完整、定期更新"),
                    ("Electronic records protected by a named keeper", "电子资料专人加密管理"),
                ),
                _audit(
                    "requests",
                    "Customer requests",
                    "客户需求信息受理",
                    10,
                    [1, 2],
                    ("Requests logged promptly", "客户需求信息及时登记"),
                    ("Work dispatched promptly", "登记后及时派工处理"),
                    ("Customer called back after", "处理后及时回访"),
                    ("Quarterly statistics and analysis", "作好季度信息统计分析"),
                ),
                _audit(
                    "meetings",
                    "Meetings and training",
                    "会议培训",
                    5,
                    [0.5, 2],
                    ("Meetings and training held on time", "按时召开会议培训"),
                    ("Attendance records complete", "记录签到完整"),
                    ("Effect of training assessed", "培训后有效果评估"),
                    ("Kept in the department archive", "纳入部门档案管理"),
                ),
                _audit(
                    "plans",
                    "Plans",
                    "方案管理",
                    5,
                    [0.5, 2],
                    ("Plans complete and to standard", "方案编制完整"),
                    ("Progress of plans traceable", "方案完成情况可追溯"),
                    ("Plans archived centrally", "纳入部门档案集中管理"),
                    ("Kept in the department archive", "统一纳入部门档案管理"),
                ),
                _audit(
                    "team",
                    "Team building",
                    "团队建设",
                    5,
                    [0.5, 2],
                    ("A staff development plan", "有人才培养方案"),
                    ("A team-building plan", "有团队建设设想方案"),
                    ("Photos or reports of team activities", "有团队活动记录图片或汇总报告"),
                    ("Kept in the department archive", "纳入部门档案管理"),
                ),
                _audit(
                    "appearance",
                    "Staff appearance",
                    "岗位形象",
                    5,
                    [0.5, 2],
                    ("Uniform worn by all", "着装统一整齐"),
                    ("Uniform clean, badges worn", "服装整洁、佩带齐全"),
                    ("Neat and alert", "整齐协调,精神面貌好"),
                    ("No forbidden jewellery on duty", "不佩带违规饰品上岗"),
                    ("Hair as the rules require", "女员工头发束装,男员工不留长发"),
                ),
                _audit(
                    "attitude",
                    "Service attitude",
                    "服务意识",
                    5,
                    [0.5, 2],
                    ("Customers greeted first", "看见客户主动打招呼问好"),
                    ("Visitors welcomed and seated", "客户来办事主动招呼并安坐"),
                    ("Moderate tone, Mandarin spoken", "语气语调适中,使用普通话"),
                ),
            ),
            section(
                "site",
                "On-site management",
                "现场管理",
                _audit(
                    "complaints",
                    "Complaints",
                    "客户投诉管理",
                    5,
                    [0.5, 2],
                    ("Complaints recorded", "有客户投诉记录"),
                    ("Handling recorded", "有投诉受理记录"),
                    ("Call-backs recorded", "有投诉回访记录"),
                    ("Quarterly complaint analysis", "季度投诉汇总分析报告"),
                ),
                _audit(
                    "satisfaction",
                    "Customer satisfaction",
                    "客户满意度管理",
                    5,
                    [0.5, 1],
                    ("Satisfaction surveys recorded", "实施满意度调查记录"),
                    ("A living register of opinions", "建立动态的客户意见征集库"),
                    ("Summary and conclusions", "有总结分析报告结论"),
                ),
                _audit(
                    "keys",
                    "Keys",
                    "钥匙管理",
                    5,
                    [0.5, 2],
                    ("Clearly labelled; rules complete", "标识明显,管理制度完善"),
                    ("Stored in one place, recorded", "统一存放管理,记录完善"),
                    ("A key register", "建立钥匙清单台帐"),
                    ("A named keeper; no casual lending", "专人管理,不得随意借出"),
                ),
                _audit(
                    "community",
                    "Community events",
                    "社区活动",
                    5,
                    [0.5, 2],
                    ("Event plans and notices", "有活动方案、通知"),
                    ("Photos or materials of events", "有活动图片或资料"),
                    ("Event summaries", "有活动总结报告或记录"),
                ),
                _audit(
                    "vacant",
                    "Vacant units",
                    "空置房管理",
                    5,
                    [0.5, 2],
                    ("A register of vacant units", "建立空置房清册"),
                    ("A named person in charge", "实施专人管理"),
                    ("Regular checks with records", "定期巡查并有记录"),
                    ("The register kept current", "动态管理"),
                ),
                _audit(
                    "business",
                    "Services for sale",
                    "经营管理活动",
                    5,
                    [0.5, 2],
                    ("Extra and contracted services offered", "开展多种经营及特约服务"),
                    ("Prices and charges clear", "明确收费项目及标准"),
                    ("Partners' quality followed up", "合作客户定期质量跟踪回访"),
                    ("Regular business reports", "定期编制经营汇总报告"),
                ),
                _audit(
                    "notices",
                    "Public notices",
                    "信息公示",
                    5,
                    [0.5, 2],
                    ('A "three public" notice board', "服务中心设“三公开”公示栏"),
                    ("Content as company and project require", "内容符合公司及项目要求"),
                    ("Uniform and tidy", "统一美观、整体协调"),
                ),
            ),
            section(
                "fees",
                "Fees",
                "收费服务",
                _audit(
                    "collection",
                    "Fee collection",
                    "管理服务",
                    5,
                    [0.5, 2],
                    ("Arrears chasing recorded", "有费用催收记录"),
                    ("An electronic fee ledger", "建立电子收费台帐"),
                    ("No cash kept overnight", "严禁现金过夜"),
                    ("No misuse of company funds", "严禁挪用、截留公司资金"),
                ),
            ),
            section(
                "other",
                "Other business",
                "其他业务",
                _audit(
                    "key_customers",
                    "Key customer relations",
                    "重点客户关系维护",
                    5,
                    [0.5, 2],
                    ("A list of key customers", "建立重点客户名单"),
                    ("A plan to repair and keep relations", "拟定关系修复维护方案"),
                    ("Relations work recorded", "作好关系维护记录"),
                ),
                _audit(
                    "liaison",
                    "Outside bodies",
                    "外联管理",
                    5,
                    [0.5, 2],
                    ("A directory of outside bodies", "建立外联单位名录"),
                    ("Their documents and notices kept", "保存外联单位文件通知"),
                    ("Incoming requests followed through", "作好外来文件的衔接与受理"),
                    ("Regular contact kept", "作好沟通协调"),
                ),
                _audit(
                    "emergencies",
                    "Emergencies",
                    "突发应急事件处理",
                    5,
                    [0.5, 2],
                    ("Emergency plans in place", "建立突发事件应急预案"),
                    ("Complete, detailed records", "有完整详细的记录"),
                    ("Analysis and conclusions", "有过程分析及处理结论报告"),
                ),
            ),
        ],
    },
}

STARTERS = (
    GENERATOR_WEEKLY,
    GENERATOR_MONTHLY_LOAD,
    GENERATOR_NO_LOAD,
    SUBSTATION_DAILY,
    SUPERVISORY_AUDIT,
)
