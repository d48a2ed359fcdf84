"""AppScript (group 10) and AppConfiguration (group 14).

14.16 (DELETE required service) is documented on ``.../serviceproduceds/{serviceRequiredId}``, which collides
with 14.12; it is served on ``.../servicerequireds/{serviceRequiredId}`` (upstream and the web client), and
14.15 (PUT, documented as ``{serName}``) shares that template: the segment is matched as the required
capability id first, then as the service's ``serName``. A DELETE on the documented 14.16 path
(``.../serviceproduceds/<id>``) whose id names no produced service but a required one deletes that one.
"""
from __future__ import annotations

from chalicelib.surfaces.edgegallery import envelope
from chalicelib.surfaces.edgegallery import service_config as conf
from chalicelib.surfaces.edgegallery import service_scripts as scripts
from chalicelib.surfaces.edgegallery.blueprint import ANY_BODY, V2, bp, endpoint
from chalicelib.surfaces.edgegallery.bodies_config import (AppCertificateIn, AppConfigurationIn, DnsRuleIn,
                                                           ServiceProducedIn, ServiceRequiredIn, TrafficRuleIn)
from chalicelib.surfaces.edgegallery.common import body_of
from chalicelib.surfaces.edgegallery import answers_core as ac, answers_more as am

APP = f"{V2}/applications/{{applicationId}}"
CONF = f"{APP}/appconfiguration"


# ---------------------------------------------------------------- 10 AppScript
@bp.route(f"{APP}/scripts", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=ac.Script)
def upload_script(ctx, applicationId):
    return scripts.upload(ctx.principal, applicationId, ctx.header("content-type"), ctx.raw)


# ---------------------------------------------------------------- 14.21 / 14.22 whole configuration
@bp.route(CONF, methods=["GET"])
@endpoint(bp, returns=am.AppConfiguration)
def get_app_configuration(ctx, applicationId):
    return conf.get_configuration(ctx.principal, applicationId)


@bp.route(CONF, methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def put_app_configuration(ctx, applicationId):
    conf.put_configuration(ctx.principal, applicationId, body_of(ctx, AppConfigurationIn))
    return envelope.true()


# ---------------------------------------------------------------- 14.1-14.4 certificate
@bp.route(f"{CONF}/appcertificate", methods=["GET"])
@endpoint(bp, returns=am.AppCertificate)
def get_app_certificate(ctx, applicationId):
    return conf.get_certificate(ctx.principal, applicationId)


@bp.route(f"{CONF}/appcertificate", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.AppCertificate)
def create_app_certificate(ctx, applicationId):
    # an absent body: both keys generated
    return conf.create_certificate(ctx.principal, applicationId, body_of(ctx, AppCertificateIn, required=False))


@bp.route(f"{CONF}/appcertificate", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def update_app_certificate(ctx, applicationId):
    conf.update_certificate(ctx.principal, applicationId, body_of(ctx, AppCertificateIn))
    return envelope.true()


@bp.route(f"{CONF}/appcertificate", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_app_certificate(ctx, applicationId):
    conf.delete_certificate(ctx.principal, applicationId)
    return envelope.true()


# ---------------------------------------------------------------- 14.5-14.8 DNS rules
@bp.route(f"{CONF}/dnsrules", methods=["GET"])
@endpoint(bp, returns=am.DnsRules)
def list_dns_rules(ctx, applicationId):
    return envelope.bare(conf.list_part(ctx.principal, applicationId, conf.DNS))


@bp.route(f"{CONF}/dnsrules", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.DnsRule)
def create_dns_rule(ctx, applicationId):
    return conf.create_rule(ctx.principal, applicationId, conf.DNS, body_of(ctx, DnsRuleIn))


@bp.route(f"{CONF}/dnsrules/{{ruleId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def update_dns_rule(ctx, applicationId, ruleId):
    conf.update_rule(ctx.principal, applicationId, conf.DNS, ruleId, body_of(ctx, DnsRuleIn))
    return envelope.true()


@bp.route(f"{CONF}/dnsrules/{{ruleId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_dns_rule(ctx, applicationId, ruleId):
    conf.delete_rule(ctx.principal, applicationId, conf.DNS, ruleId)
    return envelope.true()


# ---------------------------------------------------------------- 14.17-14.20 traffic rules
@bp.route(f"{CONF}/trafficrules", methods=["GET"])
@endpoint(bp, returns=am.TrafficRules)
def list_traffic_rules(ctx, applicationId):
    return envelope.bare(conf.list_part(ctx.principal, applicationId, conf.TRAFFIC))


@bp.route(f"{CONF}/trafficrules", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.TrafficRule)
def create_traffic_rule(ctx, applicationId):
    return conf.create_rule(ctx.principal, applicationId, conf.TRAFFIC, body_of(ctx, TrafficRuleIn))


@bp.route(f"{CONF}/trafficrules/{{ruleId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def update_traffic_rule(ctx, applicationId, ruleId):
    conf.update_rule(ctx.principal, applicationId, conf.TRAFFIC, ruleId, body_of(ctx, TrafficRuleIn))
    return envelope.true()


@bp.route(f"{CONF}/trafficrules/{{ruleId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_traffic_rule(ctx, applicationId, ruleId):
    conf.delete_rule(ctx.principal, applicationId, conf.TRAFFIC, ruleId)
    return envelope.true()


# ---------------------------------------------------------------- 14.9-14.12 produced services
@bp.route(f"{CONF}/serviceproduceds", methods=["GET"])
@endpoint(bp, returns=am.ServicesProduced)
def list_services_produced(ctx, applicationId):
    return envelope.bare(conf.list_part(ctx.principal, applicationId, conf.PRODUCED))


@bp.route(f"{CONF}/serviceproduceds", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.ServiceProduced)
def create_service_produced(ctx, applicationId):
    return conf.create_produced(ctx.principal, applicationId, body_of(ctx, ServiceProducedIn))


@bp.route(f"{CONF}/serviceproduceds/{{appServiceProducedId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def update_service_produced(ctx, applicationId, appServiceProducedId):
    conf.update_produced(ctx.principal, applicationId, appServiceProducedId, body_of(ctx, ServiceProducedIn))
    return envelope.true()


@bp.route(f"{CONF}/serviceproduceds/{{appServiceProducedId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_service_produced(ctx, applicationId, appServiceProducedId):
    conf.delete_produced(ctx.principal, applicationId, appServiceProducedId)
    return envelope.true()


# ---------------------------------------------------------------- 14.13-14.16 required services
@bp.route(f"{CONF}/servicerequireds", methods=["GET"])
@endpoint(bp, returns=am.ServicesRequired)
def list_services_required(ctx, applicationId):
    return envelope.bare(conf.list_part(ctx.principal, applicationId, conf.REQUIRED))


@bp.route(f"{CONF}/servicerequireds", methods=["POST"], content_types=ANY_BODY)
@endpoint(bp, returns=am.ServiceRequired)
def create_service_required(ctx, applicationId):
    return conf.create_required(ctx.principal, applicationId, body_of(ctx, ServiceRequiredIn))


@bp.route(f"{CONF}/servicerequireds/{{serviceRequiredId}}", methods=["PUT"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def update_service_required(ctx, applicationId, serviceRequiredId):
    conf.update_required(ctx.principal, applicationId, serviceRequiredId, body_of(ctx, ServiceRequiredIn))
    return envelope.true()


@bp.route(f"{CONF}/servicerequireds/{{serviceRequiredId}}", methods=["DELETE"], content_types=ANY_BODY)
@endpoint(bp, returns=am.Done)
def delete_service_required(ctx, applicationId, serviceRequiredId):
    conf.delete_required(ctx.principal, applicationId, serviceRequiredId)
    return envelope.true()
