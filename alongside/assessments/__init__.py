"""Assessments: validated questionnaires and the project's own reflections.

The modules in this package that hold the scoring core (``spec``, ``scoring``,
``importers``, ``closeness``) are plain Python with no Django imports, so the
command line, the API and the tests can all call them directly.
"""
