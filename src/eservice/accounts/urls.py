from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.urls import path
from django_ratelimit.decorators import ratelimit


def _login_rate(group: str, request: HttpRequest) -> str:
    return settings.LOGIN_RATE_LIMIT


login = ratelimit(key="ip", rate=_login_rate, group="login", method="POST", block=True)(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)

app_name = "accounts"
urlpatterns = [
    path("login/", login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
