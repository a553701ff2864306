from rest_framework.routers import SimpleRouter

from incidents.api.views import ActorViewSet, IncidentViewSet, SourceViewSet

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("actors", ActorViewSet, basename="actor")
router.register("sources", SourceViewSet, basename="source")
urlpatterns = router.urls
