"""The simulator adapter: the only code outside ``simulator/`` that knows its wire protocol."""

from processors.simulator.adapter import CAPABILITIES, KIND, SimulatorProcessor

__all__ = ["CAPABILITIES", "KIND", "SimulatorProcessor"]
