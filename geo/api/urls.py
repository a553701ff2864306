from rest_framework.routers import SimpleRouter

from geo.api.views import LocationViewSet

router = SimpleRouter()
router.register("locations", LocationViewSet, basename="location")
urlpatterns = router.urls
