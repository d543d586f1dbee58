"""The API for `make run`: `chalice local`'s threaded server, answering as API Gateway does.

`chalice local` answers in shapes of its own where API Gateway answers first (no
Authorization header, unknown path, an exception in the authorizer), lets the app answer
405 for a method no route declares (API Gateway refuses it as an unknown route), and
http.server refuses too long a URL or header in HTML. Here each of these gets the
status and the one error shape the deployed gateway responses give
(chalicelib/api/gateway_responses.py).

    python -m infra.local.api_server --port 8000 --stage local
"""
import argparse
import logging
import sys
from http import HTTPStatus
from typing import Optional, Sequence

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (ChaliceRequestHandler, CustomLocalChalice, ForbiddenError, LocalChalice,
                           LocalDevServer, LocalGateway, RouteMatcher)

from chalicelib.api.gateway_responses import local_equivalent

# What chalice local raises for a path no route has (it then reads x-amzn-ErrorType).
NO_ROUTE_HEADERS = {"x-amzn-ErrorType": "UnauthorizedException"}


class ApiGatewayLike(LocalGateway):
    """chalice's LocalGateway, refusing a method its path does not declare as an unknown route."""

    def __init__(self, app_object: Chalice, config: Config) -> None:
        super().__init__(app_object, config)
        self._routes = RouteMatcher(list(app_object.routes))

    def handle_request(self, method, path, headers, body):
        try:
            route = self._routes.match_route(path).route
        except ValueError:
            route = None  # chalice's own answer for an unknown path follows
        if route is not None and method not in _declared_methods(self._app_object, route):
            raise ForbiddenError(NO_ROUTE_HEADERS, b'{"message": "Missing Authentication Token"}')
        return super().handle_request(method, path, headers, body)


def _declared_methods(app: Chalice, route: str) -> set:
    views = app.routes[route]
    # API Gateway has an OPTIONS method on a path only where a view enables CORS.
    return set(views) | ({"OPTIONS"} if any(v.cors for v in views.values()) else set())


class GatewayRequestHandler(ChaliceRequestHandler):
    def __init__(self, request, client_address, server, app_object: Chalice, config: Config) -> None:
        # As ChaliceRequestHandler.__init__, with our gateway; the base __init__ serves the request.
        self.local_gateway = ApiGatewayLike(app_object, config)
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)

    def _generic_handle(self) -> None:
        try:
            super()._generic_handle()
        except ConnectionError:
            raise  # the client has gone: nobody to answer
        except Exception:  # in the authorizer: API Gateway answers AUTHORIZER_FAILURE (a 5XX)
            logging.getLogger(__name__).exception("%s %s failed", self.command, self.path[:200])
            status, body = local_equivalent(500, "")
            self._send_http_response(status, {}, body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _send_error_response(self, error) -> None:
        status, body = local_equivalent(error.CODE, error.headers.get("x-amzn-ErrorType", ""))
        self._send_http_response(status, {**error.headers, "Content-Type": "application/json"}, body)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """http.server's own refusals (URL or header too long, malformed request): their status,
        in the error shape, as API Gateway's DEFAULT_4XX/5XX responses keep the status.
        A method http.server has no handler for is one no route declares."""
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, body = local_equivalent(403, NO_ROUTE_HEADERS["x-amzn-ErrorType"])
        else:
            code, body = local_equivalent(code, "")
        self.error_content_type = "application/json"
        self.error_message_format = body.replace("%", "%%")
        super().send_error(code, message, explain)


def create_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    if not isinstance(app, LocalChalice):
        # As chalice.local.create_local_server: the app's current_request becomes per thread.
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=GatewayRequestHandler)


def main(argv: Optional[Sequence[str]] = None) -> None:
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes

    from infra.local.services import ROOT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    options = parser.parse_args(argv)
    # As `chalice local`: the stage's environment variables applied, logs to stdout.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=options.stage)
    validate_routes(config.chalice_app.routes)
    create_server(config.chalice_app, config, options.host, options.port).serve_forever()


if __name__ == "__main__":
    main()
