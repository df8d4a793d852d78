from alongside.practice.urls_experiments import urlpatterns as experiments
from alongside.practice.urls_growth import urlpatterns as growth

app_name = "practice"
urlpatterns = [*experiments, *growth]
