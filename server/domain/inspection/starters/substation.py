"""The substation (配电房) daily round."""

from typing import Any

from server.domain.inspection.starters.items import NOTES, PHOTO, check, label, number, section


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
                    "label": label("Three-phase current imbalance", "三相电流不平衡度"),
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
