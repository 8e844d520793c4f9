"""Which folders the wheel carries. pyproject.toml holds everything else about the package.

Why this file exists: `templates/` and `static/` stay at the top of the repository, where the
project keeps them, yet an installed wheel must be the whole service with no source tree
beside it. setuptools can place a folder from outside the packages into one (`package_dir`),
but its declarative form in pyproject.toml cannot both discover packages and add such mapped
ones; this file does both, so the site's files are carried once, from where they live, as
`consultteam/site/templates` and `consultteam/site/static` (settings.py looks there first).
Every folder becomes a (namespace) package so that setuptools takes its files as package data
without warning that a folder would be ignored.
"""

from setuptools import find_namespace_packages, setup

# The importable packages of the service: the project and its apps. Leave one out and the
# built-service test (tests/core/test_built_service.py) fails.
APPS = ["consultteam", "cases", "agendas", "reminders", "clinic"]
# Folder at the top of the repository -> where it goes inside the installed package.
SITE = {"consultteam.site.templates": "templates", "consultteam.site.static": "static"}
NOT_PACKAGES = ["*__pycache__*"]


def tree(package: str, folder: str) -> list[str]:
    """``package`` and every folder below ``folder``, named as subpackages of ``package``."""
    below = find_namespace_packages(folder, exclude=NOT_PACKAGES)
    return [package, *(f"{package}.{name}" for name in below)]


app_packages = [name for app in APPS for name in tree(app, app)]
site_packages = [name for package, folder in SITE.items() for name in tree(package, folder)]

setup(
    packages=[*app_packages, *site_packages],
    package_dir=SITE,
    # The apps carry their own templates (consultteam/reference/templates); the site's folders
    # carry every file they hold (stylesheets, scripts, images, licences).
    package_data={
        **{name: ["*.html"] for name in app_packages},
        **{name: ["*"] for name in site_packages},
    },
)
