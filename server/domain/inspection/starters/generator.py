"""Standby generator forms: the weekly inspection, the monthly load run, the no-load run."""

from server.domain.inspection.starters.items import (
    NOTES,
    PHOTO,
    check,
    label,
    meter,
    number,
    section,
)

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
        # A fuel drop is explained by a run of half an hour or more on the run-hour meter; a
        # few minutes burn a few litres, not a quarter of the tank.
        "min_run_hours": 0.5,
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
                    "label": label("Hours added by the run", "本次运行小时"),
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
