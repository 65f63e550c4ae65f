"""What a model provides to the workflows: its parameter table, its adapter, the registry."""

from .adapter import ModelAdapter as ModelAdapter
from .adapter import NetworkAdapter as NetworkAdapter
from .adapter import grouped_point_function as grouped_point_function
from .adapter import point_function as point_function
from .adapter import resolve_point as resolve_point
from .adapter import run_point as run_point
from .parameters import Condition as Condition
from .parameters import Parameter as Parameter
from .parameters import ParameterError as ParameterError
from .parameters import ParameterTable as ParameterTable
from .registry import get_model as get_model
from .registry import load_plugin as load_plugin
from .registry import model_names as model_names
from .registry import register_model as register_model
from .registry import unregister_model as unregister_model
