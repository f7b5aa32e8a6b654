"""carelib: monthly reports on workforce stability and the Ofsted improvement plan.

Importing carelib is cheap on purpose: heavy libraries (great_expectations, papermill,
nbconvert, seaborn) are imported only by the modules that need them, when they need them.
"""

__version__ = "0.1.0"
