"""A small world for access tests and the fuzzer: tenant A (sites A1, A2), tenant B (site B1)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from server.domain.actor import Role
from server.domain.models import AlertState
from server.testing.factories import Factory


@dataclass
class Place:
    """One site with one of everything on it."""

    site: Any
    zone: Any
    checkpoint: Any
    asset: Any
    device: Any
    guard: Any
    tag: Any
    enrollment_code: Any
    route: Any
    schedule: Any
    round: Any
    alert: Any
    resolved_alert: Any
    template: Any
    spare_template: Any
    inspection_schedule: Any
    inspection: Any
    notify_endpoint: Any
    notification: Any
    escalation_policy: Any
    report: Any
    report_schedule: Any
    make_photo: Callable[[], str]

    @cached_property
    def photo(self) -> str:
        """A stored photo referred to from this site, made on first use (photos are slow)."""
        return self.make_photo()


@dataclass
class World:
    """Tenants, places and the people acting in them."""

    org_a: Any
    org_b: Any
    places: dict[str, Place]
    actors: dict[str, Any] = field(default_factory=dict)


def build_world(make: Factory, blobs: Any) -> World:
    """A1 and A2 in tenant A, B1 in tenant B, with an admin of each tenant and A1 staff."""
    org_a, org_b = make.org("Tenant A"), make.org("Tenant B")
    places = {}
    for key, org in (("A1", org_a), ("A2", org_a), ("B1", org_b)):
        site = make.site(org, name=f"Site {key}")
        checkpoint = make.checkpoint(site)
        device = make.device(org, [site])
        route = make.route([checkpoint])
        schedule = make.schedule(route)
        patrol_round = make.round(schedule)
        asset = make.asset(site)
        template, spare = make.template(org), make.template(org)
        make.limit(asset)
        alert = make.alert(patrol_round)
        hook = make.notify_endpoint(org)
        places[key] = Place(
            template=template,
            spare_template=spare,
            inspection_schedule=make.inspection_schedule(asset, template),
            inspection=make.inspection(asset, template),
            route=route,
            schedule=schedule,
            round=patrol_round,
            alert=alert,
            notify_endpoint=hook,
            notification=make.notification(alert, hook),
            escalation_policy=make.escalation_policy(org, site_id=site.id),
            report=make.report(site, blobs),
            report_schedule=make.report_schedule(site, endpoint_ids=[hook.id]),
            resolved_alert=make.alert(
                patrol_round, key=f"round_late_start:{patrol_round.id}", state=AlertState.RESOLVED
            ),
            site=site,
            zone=make.zone(site),
            checkpoint=checkpoint,
            tag=make.qr_tag(checkpoint),
            enrollment_code=make.enrollment_code(site)[0],
            asset=asset,
            device=device,
            make_photo=lambda device=device, site=site: make.photo(device, site, blobs),
            guard=make.user(org, Role.GUARD, [site]),
        )
    a1 = [places["A1"].site]
    actors = {
        "admin": make.user(org_a, Role.ADMIN),
        "supervisor": make.user(org_a, Role.SUPERVISOR, a1),
        "guard": places["A1"].guard,
        "engineer": make.user(org_a, Role.ENGINEER, a1),
        "other_admin": make.user(org_b, Role.ADMIN),
    }
    return World(org_a, org_b, places, actors)
