"""Users."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.users.schemas import UserListArgs, UserSchema, UserUpdateSchema
from server.domain import access
from server.domain.models import User
from server.domain.registry import users
from server.http.session import db_session

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="People who log in")


@blp.route("/users")
class Users(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_PEOPLE)
    @blp.arguments(UserListArgs, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List users (admin: all; supervisor: those on your sites)"""
        stmt = users.list_query(args)
        return paginated(db_session(), stmt, User, args, pagination_parameters, users.SORTABLE)

    @blp.authenticated
    @blp.allows(access.MANAGE_USERS)
    @blp.documents(409)
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user (admin)"""
        user = users.create(db_session(), data)
        db_session().commit()
        return user


@blp.route("/users/<id:user_id>")
class UserById(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_PEOPLE)
    @blp.etag
    @blp.documents(404)
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """Get a user"""
        return users.get(db_session(), user_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_USERS)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(UserUpdateSchema))
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user; {"active": false} deactivates them and revokes their tokens (admin)"""
        user = users.update(db_session(), user_id, data, blp.if_match(UserSchema))
        db_session().commit()
        return user
